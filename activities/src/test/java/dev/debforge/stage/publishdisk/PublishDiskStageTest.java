package dev.debforge.stage.publishdisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.disk.AllocatedBytes;
import dev.debforge.disk.QemuImg;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolCall;
import dev.debforge.process.ProcessRunner;
import dev.debforge.stage.TestStageContext;
import dev.debforge.stage.convert.ConvertOptions;
import dev.debforge.stage.convert.ConvertStage;
import dev.debforge.stage.convert.DiskType;
import dev.debforge.store.Sha256;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing with qemu-img for real: a qcow2 converted as it is published is the file the convert
 * stage would have stored, byte for byte, named as a copied one would be; a raw disk is copied
 * with its holes; conversions run together write what they write one after another.
 */
class PublishDiskStageTest {

  private static final long DISK = 64L << 20;

  @TempDir Path dir;

  /** A raw disk of 64 MiB with two MiB of data and holes around them. */
  private Path rawDisk() throws Exception {
    Path disk = Files.createDirectories(dir.resolve("partition"));
    Random random = new Random(13);
    byte[] data = new byte[1 << 20];
    try (RandomAccessFile file = new RandomAccessFile(disk.resolve("disk.raw").toFile(), "rw")) {
      file.setLength(DISK);
      for (long at : new long[] {0, 40L << 20}) {
        random.nextBytes(data);
        file.seek(at);
        file.write(data);
      }
    }
    return disk;
  }

  /** What the convert stage stores for this type. */
  private Path converted(Path disk, String type) throws Exception {
    return converted(disk, type, "one");
  }

  private Path converted(Path disk, String type, String run) throws Exception {
    TestStageContext context =
        new TestStageContext(dir.resolve("convert-" + type + "-" + run), "amd64")
            .withInput("disk", disk, Map.of());
    StageOutput output = new ConvertStage().run(context, new ConvertOptions(type));
    return context.output().resolve(output.facts().get("file"));
  }

  private StageOutput publish(Path disk, PublishDiskOptions options) throws Exception {
    TestStageContext context =
        new TestStageContext(dir.resolve("publish-" + options.type()), "amd64")
            .withInput("disk", disk, Map.of());
    StageOutput output = new PublishDiskStage().run(context, options);
    assertTrue(context.progress.contains("comparing with the raw disk"),
        context.progress.toString());
    return output;
  }

  @Test
  void aQcow2ConvertedAsItIsPublishedIsTheFileTheConvertStageStores() throws Exception {
    Path disk = rawDisk();
    Path out = dir.resolve("out");
    StageOutput published =
        publish(disk, new PublishDiskOptions(out.toString(), "qcow2", "qcow2", "disk.qcow2",
            false, "qcow2"));
    Path file = out.resolve("qcow2/disk.qcow2");
    assertEquals(file.toString(), published.facts().get("artifact"));
    assertEquals(-1, Files.mismatch(converted(disk, "qcow2"), file));
    assertEquals(Sha256.ofFile(file), published.facts().get("sha256"));
    assertEquals(Long.toString(Files.size(file)), published.facts().get("size"));
    try (Stream<Path> left = Files.list(file.getParent())) {
      assertEquals(1, left.count(), "nothing but the disk: no partial file, no block map");
    }
  }

  /**
   * An attempt whose heartbeat timed out may still be running when the workflow's next attempt
   * of the step starts on the same worker: each writes a partial file of its own, and the disk
   * in place is always whole.
   */
  @Test
  void twoAttemptsAtOnceInOneProcessEachPublishAWholeDisk() throws Exception {
    Path disk = rawDisk();
    Path out = dir.resolve("out");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<StageOutput>> attempts = new ArrayList<>();
      for (String attempt : List.of("1", "2")) {
        attempts.add(pool.submit(() -> new PublishDiskStage().run(
            new TestStageContext(dir.resolve("publish-raw-" + attempt), "amd64")
                .withInput("disk", disk, Map.of()),
            new PublishDiskOptions(out.toString(), "raw", "raw", "disk.raw", true))));
      }
      for (Future<StageOutput> attempt : attempts) {
        assertEquals(out.resolve("raw/disk.raw").toString(),
            attempt.get().facts().get("artifact"));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(-1, Files.mismatch(disk.resolve("disk.raw"), out.resolve("raw/disk.raw")));
    try (Stream<Path> left = Files.list(out.resolve("raw"))) {
      assertEquals(List.of("disk.raw", "disk.raw.bmap"),
          left.map(p -> p.getFileName().toString()).sorted().toList(), "no partial file");
    }
  }

  @Test
  void aRawDiskIsPublishedWithItsHolesAndNamedByItsBlockMap() throws Exception {
    Path disk = rawDisk();
    Path out = dir.resolve("out");
    TestStageContext context =
        new TestStageContext(dir.resolve("publish-raw"), "amd64").withInput("disk", disk, Map.of());
    StageOutput published =
        new PublishDiskStage()
            .run(context, new PublishDiskOptions(out.toString(), "raw", "raw", "disk.raw", true));
    Path file = out.resolve("raw/disk.raw");
    assertEquals(-1, Files.mismatch(disk.resolve("disk.raw"), file));
    assertEquals(DISK, Files.size(file));
    long allocated = AllocatedBytes.of(file);
    assertTrue(allocated <= 4L << 20,
        "2 MiB of data take at most 4 MiB of the 64 MiB disk, not " + allocated);
    assertEquals(out.resolve("raw/disk.raw.bmap").toString(), published.facts().get("bmap"));
    assertFalse(published.facts().containsKey("sha256"), published.facts().toString());
  }

  /**
   * The conversions of one build run as parallel steps. Run together they write what they write one
   * after another: qcow2 byte for byte; vmdk, vhdx and vhd hold the same disk in files of the same
   * size (qemu-img puts a random id, and for vhd the time, in those formats' headers, so two of
   * their files never match byte for byte, together or not).
   */
  @Test
  void conversionsRunTogetherWriteWhatTheyWriteOneAfterAnother() throws Exception {
    Path disk = rawDisk();
    List<String> types = List.of("qcow2", "vmdk", "vhdx", "vhd");
    Map<String, Path> serial = new TreeMap<>();
    for (String type : types) {
      serial.put(type, converted(disk, type, "serial"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(types.size());
    Map<String, Future<Path>> together = new TreeMap<>();
    try {
      for (String type : types) {
        together.put(type, pool.submit(() -> converted(disk, type, "together")));
      }
      for (String type : types) {
        Path one = serial.get(type);
        Path other = together.get(type).get();
        assertEquals(Files.size(one), Files.size(other), type);
        QemuImg.Format format = DiskType.parse(type).format();
        ProcessRunner.logging(line -> {})
            .run(ToolCall.of(List.of("qemu-img", "compare", "-f", format.driver(), "-F",
                format.driver(), one.toString(), other.toString()), Duration.ofMinutes(1)));
      }
      assertEquals(-1, Files.mismatch(serial.get("qcow2"), together.get("qcow2").get()));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aConversionThatFailsLeavesNoOutputDirectory() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("no-disk"));
    Path out = dir.resolve("out");
    TestStageContext context =
        new TestStageContext(dir.resolve("publish"), "amd64").withInput("disk", empty, Map.of());
    assertThrows(Exception.class, () -> new PublishDiskStage().run(context,
        new PublishDiskOptions(out.toString(), "qcow2", "qcow2", "disk.qcow2", false, "qcow2")));
    assertFalse(Files.exists(out), "the directories the step made are gone again");
  }
}
