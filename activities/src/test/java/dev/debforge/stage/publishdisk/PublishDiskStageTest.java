package dev.debforge.stage.publishdisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.StageOutput;
import dev.debforge.stage.TestStageContext;
import dev.debforge.stage.convert.ConvertOptions;
import dev.debforge.stage.convert.ConvertStage;
import dev.debforge.store.Sha256;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing with qemu-img for real: a qcow2 converted as it is published is the file the convert
 * stage would have stored, byte for byte, named as a copied one would be.
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
    TestStageContext context =
        new TestStageContext(dir.resolve("convert-" + type), "amd64")
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
