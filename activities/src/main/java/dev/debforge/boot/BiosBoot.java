package dev.debforge.boot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Installs GRUB for a legacy BIOS on a GPT disk with a BIOS boot partition, in pure Java: what
 * {@code grub-bios-setup} does, without a block device.
 *
 * <p>{@code grub-mkimage -O i386-pc} writes core.img as if it sat right after the MBR. Its first
 * sector (diskboot) ends with a blocklist telling it where the rest of core.img is; that is
 * rewritten for the BIOS boot partition. boot.img, the MBR code, is told where core.img starts
 * and gets the disk's own BIOS parameter block, disk signature and protective partition table,
 * so the GPT stays valid.
 */
public final class BiosBoot {

  public static final int SECTOR = 512;

  /**
   * The most sectors core.img may have: it is loaded at 0x8200 and must end below 0x78000,
   * which is 895 sectors (counted conservatively for the whole image).
   */
  public static final int MAX_CORE_SECTORS = (0x78000 - 0x8200) / SECTOR;

  // Offsets in core.img's first sector: the last blocklist entry and the one before it.
  static final int CORE_BLOCKLIST_START = 500;
  static final int CORE_BLOCKLIST_LENGTH = 508;
  static final int CORE_BLOCKLIST_SEGMENT = 510;
  static final int CORE_PREVIOUS_ENTRY = 488;
  static final int CORE_SEGMENT = 0x0820;

  // Offsets in boot.img.
  static final int BOOT_KERNEL_SECTOR = 0x5C;
  static final int BOOT_DRIVE = 0x64;
  static final int BOOT_DRIVE_CHECK = 0x66;
  static final int BPB_START = 0x03;
  static final int BPB_END = 0x5A;
  static final int MBR_TAIL_START = 0x1B8;
  static final int PARTITION_TABLE = 0x1BE;

  private BiosBoot() {}

  /**
   * Returns core.img patched to load from a BIOS boot partition, padded to whole sectors.
   *
   * @throws IllegalArgumentException when core.img is not an i386-pc core image, or does not fit
   *     the partition or the BIOS load window
   */
  public static byte[] patchCore(byte[] core, long partitionStartLba, long partitionSectors) {
    if (core.length < SECTOR) {
      throw new IllegalArgumentException(
          "core.img has " + core.length + " bytes, less than one sector");
    }
    int sectors = (core.length + SECTOR - 1) / SECTOR;
    if (sectors > partitionSectors) {
      throw new IllegalArgumentException(
          "core.img has " + sectors + " sectors but the BIOS boot partition only "
              + partitionSectors + "\nHint: make the BIOS boot partition larger");
    }
    if (sectors > MAX_CORE_SECTORS) {
      throw new IllegalArgumentException(
          "core.img has " + sectors + " sectors; a BIOS loads at most " + MAX_CORE_SECTORS
              + " (0x8200 to 0x78000)\nHint: build core.img with fewer modules; the rest load "
              + "from /boot/grub/i386-pc");
    }
    byte[] out = Arrays.copyOf(core, sectors * SECTOR);
    ByteBuffer buf = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    int segment = Short.toUnsignedInt(buf.getShort(CORE_BLOCKLIST_SEGMENT));
    if (segment != CORE_SEGMENT) {
      throw new IllegalArgumentException(
          String.format(
              "core.img does not look like an i386-pc core image: the load segment at offset"
                  + " %d is 0x%04X, not 0x%04X%nHint: build it with grub-mkimage -O i386-pc",
              CORE_BLOCKLIST_SEGMENT, segment, CORE_SEGMENT));
    }
    buf.putLong(CORE_BLOCKLIST_START, partitionStartLba + 1);
    buf.putShort(CORE_BLOCKLIST_LENGTH, (short) (sectors - 1));
    Arrays.fill(out, CORE_PREVIOUS_ENTRY, CORE_PREVIOUS_ENTRY + 12, (byte) 0);
    return out;
  }

  /**
   * Returns boot.img patched to load core.img from {@code coreLba}, carrying the BPB and the
   * partition table area of the disk's existing MBR.
   */
  public static byte[] patchBoot(byte[] bootImg, byte[] mbr, long coreLba) {
    if (bootImg.length != SECTOR || mbr.length != SECTOR) {
      throw new IllegalArgumentException(
          "boot.img and the MBR must be one sector each; got " + bootImg.length + " and "
              + mbr.length + " bytes");
    }
    if (!hasBootSignature(bootImg)) {
      throw new IllegalArgumentException(
          "boot.img has no 0x55AA signature\nHint: take it from the image's /usr/lib/grub/i386-pc");
    }
    byte[] out = bootImg.clone();
    System.arraycopy(mbr, BPB_START, out, BPB_START, BPB_END - BPB_START);
    System.arraycopy(mbr, MBR_TAIL_START, out, MBR_TAIL_START, SECTOR - MBR_TAIL_START);
    ByteBuffer buf = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(BOOT_KERNEL_SECTOR, coreLba);
    out[BOOT_DRIVE] = (byte) 0xFF;
    // Two NOPs over the jump that would otherwise trust a floppy-like boot drive number.
    out[BOOT_DRIVE_CHECK] = (byte) 0x90;
    out[BOOT_DRIVE_CHECK + 1] = (byte) 0x90;
    return out;
  }

  /**
   * Writes core.img into the BIOS boot partition and boot.img into sector 0 of a raw disk image
   * that already has its GPT. Nothing else in the file changes; the protective MBR's partition
   * table is checked to be intact afterwards.
   *
   * @throws IllegalArgumentException when the disk has no protective MBR or the images do not fit
   */
  public static void install(
      Path disk, byte[] bootImg, byte[] coreImg, long partitionStartLba, long partitionSectors)
      throws IOException {
    try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      if (ch.size() < (partitionStartLba + partitionSectors) * SECTOR) {
        throw new IllegalArgumentException(
            disk + " ends before the BIOS boot partition (sectors " + partitionStartLba + " to "
                + (partitionStartLba + partitionSectors - 1) + ")");
      }
      byte[] mbr = read(ch, 0, SECTOR);
      if (!hasBootSignature(mbr) || (mbr[PARTITION_TABLE + 4] & 0xFF) != 0xEE) {
        throw new IllegalArgumentException(
            disk + " has no protective MBR\nHint: write the GPT (sfdisk) before installing GRUB");
      }
      byte[] core = patchCore(coreImg, partitionStartLba, partitionSectors);
      byte[] boot = patchBoot(bootImg, mbr, partitionStartLba);
      write(ch, partitionStartLba * SECTOR, core);
      write(ch, 0, boot);
      ch.force(false);
      byte[] after = read(ch, 0, SECTOR);
      if (!Arrays.equals(
          mbr, MBR_TAIL_START, SECTOR, after, MBR_TAIL_START, SECTOR)) {
        throw new IllegalStateException(
            "the protective MBR partition table of " + disk + " changed while installing GRUB");
      }
    }
  }

  private static boolean hasBootSignature(byte[] sector) {
    return (sector[510] & 0xFF) == 0x55 && (sector[511] & 0xFF) == 0xAA;
  }

  private static byte[] read(FileChannel ch, long position, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      if (ch.read(buf, position + buf.position()) < 0) {
        throw new IOException("unexpected end of file at byte " + (position + buf.position()));
      }
    }
    return buf.array();
  }

  private static void write(FileChannel ch, long position, byte[] data) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(data);
    while (buf.hasRemaining()) {
      ch.write(buf, position + buf.position());
    }
  }
}
