package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code debforge verify} stopped by a signal leaves no qemu and, when it could clean up (SIGINT,
 * SIGTERM), no temporary directory. The disk
 * is blank: under UEFI the firmware finds nothing to boot and waits in its shell, which keeps
 * qemu running for as long as the test needs.
 */
@Timeout(180)
class VerifySignalIT {

  @TempDir Path work;

  @Test
  void sigtermKillsQemuAndRemovesTheTemporaryDirectory() throws Exception {
    Path tmp = Files.createDirectories(work.resolve("tmp"));
    Path disk = work.resolve("blank.raw");
    blank(disk);
    try (DebforgeProcess verify =
        DebforgeProcess.start(
            work.resolve("verify.log"),
            List.of("-Djava.io.tmpdir=" + tmp),
            "verify", disk.toString(), "--firmware", "uefi", "--arch", "amd64",
            "--timeout", "600")) {
      ProcessHandle qemu = awaitQemu(verify, Duration.ofSeconds(60));
      List<ProcessHandle> descendants = verify.handle().descendants().toList();
      assertEquals(2, entries(tmp).size(), "verify keeps its files in one directory, beside"
          + " its lock file: " + entries(tmp));

      int exit = verify.terminate(Duration.ofSeconds(30));

      assertEquals(143, exit, "SIGTERM ends the JVM with 128 + 15:\n" + verify.log());
      assertTrue(descendants.contains(qemu));
      for (ProcessHandle process : descendants) {
        assertTrue(DebforgeProcess.endsWithin(process.pid(), Duration.ofSeconds(10)),
            process.pid() + " survived debforge verify: " + process.info());
      }
      assertEquals(List.of(), entries(tmp), "the temporary directory must be gone");
    }
  }

  @Test
  void sigkillStillKillsQemu() throws Exception {
    Path disk = work.resolve("blank.raw");
    blank(disk);
    try (DebforgeProcess verify =
        DebforgeProcess.start(
            work.resolve("verify.log"),
            "verify", disk.toString(), "--firmware", "uefi", "--arch", "amd64",
            "--timeout", "600")) {
      ProcessHandle qemu = awaitQemu(verify, Duration.ofSeconds(60));

      verify.kill(); // no shutdown hook runs: only qemu's death signal can end it

      assertTrue(DebforgeProcess.endsWithin(qemu.pid(), Duration.ofSeconds(10)),
          "qemu " + qemu.pid() + " outlived its SIGKILLed parent");
    }
  }

  private static void blank(Path disk) throws Exception {
    try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
      file.setLength(64L * 1024 * 1024);
    }
  }

  /** The qemu that verify started, once it runs. */
  private static ProcessHandle awaitQemu(DebforgeProcess verify, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      for (ProcessHandle child : verify.handle().descendants().toList()) {
        if (child.info().command().orElse("").contains("qemu-system")) {
          return child;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no qemu under debforge verify within " + within + ":\n"
        + verify.log());
  }

  private static List<Path> entries(Path dir) throws Exception {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.toList();
    }
  }
}
