package dev.debforge.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.store.Sha256;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sparse file hashed from qemu-img's map of it (holes hashed as zeros, not read) has the
 * SHA-256 of all its bytes, also while its data is still in the page cache, unwritten.
 */
class SparseHashIT {

  private static final long MIB = 1 << 20;

  private final ProcessToolRunner runner = new ProcessToolRunner();

  @TempDir Path work;

  @Test
  void theMapsDataRangesGiveTheHashOfEveryByte() throws Exception {
    Path disk = work.resolve("disk.raw");
    try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
      file.setLength(64 * MIB + 123);
      file.seek(0);
      file.write("boot sector".getBytes());
      file.seek(7 * MIB + 5);
      file.write(new byte[3 * (int) MIB]);
      file.seek(20 * MIB + 1);
      file.write("in a hole, across a block".getBytes());
      file.seek(64 * MIB + 122);
      file.write(7);
    }
    List<Sha256.Range> data = QemuImg.dataRanges(runner.run(QemuImg.map(disk)).stdout());
    assertTrue(data.size() >= 3, data.toString());
    long mapped = data.stream().mapToLong(Sha256.Range::length).sum();
    assertTrue(mapped < 32 * MIB, "the holes are not data: " + data);
    assertEquals(Sha256.ofFile(disk), Sha256.ofSparseFile(disk, data));
  }

  @Test
  void aFileWithoutHolesIsOneRange() throws Exception {
    Path full = work.resolve("full");
    try (RandomAccessFile file = new RandomAccessFile(full.toFile(), "rw")) {
      byte[] bytes = new byte[(int) (2 * MIB)];
      bytes[5] = 1;
      file.write(bytes);
    }
    List<Sha256.Range> data = QemuImg.dataRanges(runner.run(QemuImg.map(full)).stdout());
    assertEquals(List.of(new Sha256.Range(0, 2 * MIB)), data);
    assertEquals(Sha256.ofFile(full), Sha256.ofSparseFile(full, data));
  }
}
