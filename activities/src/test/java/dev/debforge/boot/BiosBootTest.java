package dev.debforge.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BiosBootTest {

  /** A synthetic core.img: filler bytes, the blocklist grub-mkimage writes, segment 0x0820. */
  static byte[] core(int length) {
    byte[] core = new byte[length];
    Arrays.fill(core, (byte) 0xC3);
    ByteBuffer b = ByteBuffer.wrap(core).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(500, 2);
    b.putShort(508, (short) ((length + 511) / 512 - 1));
    b.putShort(510, (short) 0x0820);
    return core;
  }

  static byte[] bootImg() {
    byte[] boot = new byte[512];
    Arrays.fill(boot, (byte) 0xB0);
    boot[510] = 0x55;
    boot[511] = (byte) 0xAA;
    return boot;
  }

  /** A protective MBR as sfdisk writes it, with recognisable BPB and signature bytes. */
  static byte[] protectiveMbr() {
    byte[] mbr = new byte[512];
    for (int i = 0x03; i < 0x5A; i++) {
      mbr[i] = (byte) i;
    }
    mbr[0x1B8] = 0x12;
    mbr[0x1B9] = 0x34;
    mbr[0x1BE + 4] = (byte) 0xEE;
    mbr[0x1BE + 8] = 1;
    mbr[0x1BE + 12] = (byte) 0xFF;
    mbr[510] = 0x55;
    mbr[511] = (byte) 0xAA;
    return mbr;
  }

  private static ByteBuffer le(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void patchesTheCoreBlocklistForTheBiosBootPartition() {
    byte[] patched = BiosBoot.patchCore(core(333 * 512 - 100), 2048, 2048);
    assertEquals(333 * 512, patched.length);
    assertEquals(2049, le(patched).getLong(500));
    assertEquals(332, le(patched).getShort(508));
    assertEquals(0x0820, le(patched).getShort(510));
    // Little-endian: the low byte comes first.
    assertEquals(0x01, patched[500]);
    assertEquals(0x08, patched[501]);
    for (int i = 488; i < 500; i++) {
      assertEquals(0, patched[i], "byte " + i);
    }
    assertEquals((byte) 0xC3, patched[487]);
    assertEquals((byte) 0xC3, patched[512]);
  }

  @Test
  void refusesACoreImgWithoutTheLoadSegment() {
    byte[] bad = core(1024);
    bad[510] = 0;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BiosBoot.patchCore(bad, 2048, 2048));
    assertTrue(e.getMessage().contains("0x0820"), e.getMessage());
  }

  @Test
  void refusesACoreImgLargerThanThePartition() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> BiosBoot.patchCore(core(200 * 512), 2048, 100));
    assertTrue(e.getMessage().contains("only 100"), e.getMessage());
  }

  @Test
  void refusesACoreImgLargerThanTheLoadWindow() {
    assertEquals(895, BiosBoot.MAX_CORE_SECTORS);
    BiosBoot.patchCore(core(895 * 512), 2048, 2048);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> BiosBoot.patchCore(core(896 * 512), 2048, 2048));
    assertTrue(e.getMessage().contains("at most 895"), e.getMessage());
  }

  @Test
  void patchesBootImgAndCarriesTheMbrBpbAndPartitionTable() {
    byte[] mbr = protectiveMbr();
    byte[] patched = BiosBoot.patchBoot(bootImg(), mbr, 2048);
    assertEquals(2048, le(patched).getLong(0x5C));
    assertEquals((byte) 0xFF, patched[0x64]);
    assertEquals((byte) 0x90, patched[0x66]);
    assertEquals((byte) 0x90, patched[0x67]);
    assertArrayEquals(Arrays.copyOfRange(mbr, 0x03, 0x5A), Arrays.copyOfRange(patched, 0x03, 0x5A));
    assertArrayEquals(
        Arrays.copyOfRange(mbr, 0x1B8, 0x200), Arrays.copyOfRange(patched, 0x1B8, 0x200));
    // The boot code outside the patched places is boot.img's own.
    assertEquals((byte) 0xB0, patched[0]);
    assertEquals((byte) 0xB0, patched[0x5A]);
    assertEquals((byte) 0xB0, patched[0x65]);
    assertEquals((byte) 0xB0, patched[0x1B7]);
  }

  @Test
  void installWritesBothImagesAndNothingElse(@TempDir Path dir) throws IOException {
    Path disk = dir.resolve("disk.raw");
    int sectors = 8192;
    byte[] original = new byte[sectors * 512];
    System.arraycopy(protectiveMbr(), 0, original, 0, 512);
    Arrays.fill(original, 512, 2048 * 512, (byte) 0x47); // GPT header and entries, say
    Arrays.fill(original, 4096 * 512, sectors * 512, (byte) 0x52); // the next partition
    Files.write(disk, original);

    byte[] core = core(3 * 512);
    BiosBoot.install(disk, bootImg(), core, 2048, 2048);

    byte[] after = Files.readAllBytes(disk);
    assertEquals(original.length, after.length);
    byte[] expectedBoot = BiosBoot.patchBoot(bootImg(), protectiveMbr(), 2048);
    assertArrayEquals(expectedBoot, Arrays.copyOfRange(after, 0, 512));
    assertArrayEquals(
        BiosBoot.patchCore(core, 2048, 2048), Arrays.copyOfRange(after, 2048 * 512, 2051 * 512));
    assertArrayEquals(
        Arrays.copyOfRange(original, 512, 2048 * 512), Arrays.copyOfRange(after, 512, 2048 * 512));
    assertArrayEquals(
        Arrays.copyOfRange(original, 2051 * 512, original.length),
        Arrays.copyOfRange(after, 2051 * 512, after.length));
  }

  @Test
  void installRefusesADiskWithoutAProtectiveMbr(@TempDir Path dir) throws IOException {
    Path disk = dir.resolve("blank.raw");
    try (FileChannel ch =
        FileChannel.open(disk, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.truncate(0);
      ch.write(ByteBuffer.allocate(4096 * 512));
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BiosBoot.install(disk, bootImg(), core(1024), 2048, 2048));
    assertTrue(e.getMessage().contains("protective MBR"), e.getMessage());
  }
}
