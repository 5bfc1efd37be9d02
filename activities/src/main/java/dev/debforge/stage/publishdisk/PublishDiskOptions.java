package dev.debforge.stage.publishdisk;

/**
 * Options of the {@code publish-disk} stage.
 *
 * @param directory the output directory the user named with {@code -o}
 * @param type the output type id, reported as a fact
 * @param subdirectory the directory under {@code directory} that receives the file
 * @param fileName the file published: the input step's file of that name, copied, or (with
 *     {@code convert}) the file converted from the input's raw disk
 * @param blockMap whether the file is a disk at its declared size, mostly holes (raw, ami, vhd):
 *     it is then named by a block map written beside it ({@code FILE.bmap}) instead of a SHA-256
 *     of every byte, so that publishing costs what the disk holds, not its size
 * @param convert the disk type ({@link dev.debforge.stage.convert.DiskType#direct}: qcow2) the
 *     stage writes from the input's {@code disk.raw} with qemu-img, checked and compared as
 *     the convert stage does, instead of copying a stored file; null to copy
 */
public record PublishDiskOptions(
    String directory,
    String type,
    String subdirectory,
    String fileName,
    boolean blockMap,
    String convert) {

  /** Options that copy the input's file. */
  public PublishDiskOptions(
      String directory, String type, String subdirectory, String fileName, boolean blockMap) {
    this(directory, type, subdirectory, fileName, blockMap, null);
  }
}
