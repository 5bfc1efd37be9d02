package dev.debforge.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparseCopyTest {

  @Test
  void writesOnlyNonZeroBlocksAtTheOffset(@TempDir Path dir) throws IOException {
    Path part = dir.resolve("part.img");
    byte[] content = new byte[3 << 20];
    Arrays.fill(content, 0, 10, (byte) 1);
    Arrays.fill(content, (2 << 20) + 5, (2 << 20) + 9, (byte) 2);
    Files.write(part, content);
    Path disk = dir.resolve("disk.raw");
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.setLength(8 << 20);
    }

    long written = SparseCopy.copyInto(part, disk, 1 << 20, 4 << 20);

    assertEquals(2 << 20, written);
    byte[] after = Files.readAllBytes(disk);
    assertEquals(8 << 20, after.length);
    assertArrayEquals(content, Arrays.copyOfRange(after, 1 << 20, (1 << 20) + content.length));
  }

  @Test
  void refusesASourceLargerThanThePartition(@TempDir Path dir) throws IOException {
    Path part = dir.resolve("p");
    Files.write(part, new byte[4096]);
    Path disk = dir.resolve("d");
    Files.write(disk, new byte[8192]);
    assertThrows(IllegalArgumentException.class, () -> SparseCopy.copyInto(part, disk, 0, 1024));
  }
}
