package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.oci.ImageConfig;
import dev.debforge.oci.OciImageWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build stopped by SIGTERM in the middle of a step leaves no partial object in the store's
 * tmp/ and no process behind. The image has one large layer, so that its steps run long enough
 * to be interrupted; it is not bootable, which does not matter before it is stopped.
 */
@Timeout(300)
class BuildSignalIT {

  @TempDir Path work;

  @Test
  void sigtermLeavesNoPartialObjectAndNoProcess() throws Exception {
    Path tree = Files.createDirectories(work.resolve("tree/usr/share/big"));
    // Not zeros: the extractor writes runs of zeros as holes, which would take no time at all.
    byte[] block = new byte[1 << 20];
    java.util.Arrays.fill(block, (byte) 1);
    try (java.io.OutputStream out = Files.newOutputStream(tree.resolve("ones"))) {
      for (int i = 0; i < 1536; i++) {
        out.write(block);
      }
    }
    Path tar = work.resolve("layer.tar");
    Tools.run("tar", "--create", "--file=" + tar, "--directory=" + work.resolve("tree"), ".");
    Files.delete(tree.resolve("ones"));
    Path layout = work.resolve("layout");
    new OciImageWriter()
        .write(layout, List.of(tar),
            new ImageConfig("amd64", Instant.EPOCH, Map.of("containers.bootc", "1"), List.of(),
                List.of(), List.of(), "latest"));
    Files.delete(tar);
    Path store = work.resolve("store");

    try (DebforgeProcess build =
        DebforgeProcess.start(work.resolve("build.log"), "build", "oci:" + layout + ":latest",
            "--type", "raw", "-o", work.resolve("out").toString(), "--store", store.toString(),
            "--progress", "plain")) {
      Path pending = awaitPendingData(store.resolve("tmp"), build, Duration.ofSeconds(120));
      List<ProcessHandle> descendants = build.handle().descendants().toList();

      int exit = build.terminate(Duration.ofSeconds(60));

      assertEquals(143, exit, build.log());
      assertTrue(Files.notExists(pending), pending + " survived:\n" + build.log());
      try (Stream<Path> left = Files.list(store.resolve("tmp"))) {
        assertEquals(List.of(), left.toList(), "nothing partial stays in the store's tmp/");
      }
      for (ProcessHandle process : descendants) {
        assertTrue(DebforgeProcess.endsWithin(process.pid(), Duration.ofSeconds(10)),
            process.pid() + " survived the build: " + process.info());
      }
      assertTrue(Files.notExists(work.resolve("out/image/disk.raw")));
    }
  }

  /** The first pending object of the store once it holds more than 64 MiB. */
  private static Path awaitPendingData(Path tmp, DebforgeProcess build, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(tmp)) {
        try (Stream<Path> entries = Files.list(tmp)) {
          for (Path entry : entries.filter(Files::isDirectory).toList()) {
            if (bytes(entry) > 64L * 1024 * 1024) {
              return entry;
            }
          }
        }
      }
      if (!build.handle().isAlive()) {
        throw new AssertionError("the build ended before it was stopped:\n" + build.log());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no pending object grew within " + within + ":\n" + build.log());
  }

  private static long bytes(Path tree) {
    try (Stream<Path> files = Files.walk(tree)) {
      return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
    } catch (Exception changing) {
      return 0;
    }
  }
}
