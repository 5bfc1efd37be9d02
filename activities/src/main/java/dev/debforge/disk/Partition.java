package dev.debforge.disk;

import java.util.Objects;

/**
 * One partition of a {@link DiskLayout}, in 512-byte sectors.
 *
 * @param number the partition number (1-based), as in {@code disk.raw1}
 * @param role what the partition holds
 * @param startLba the first sector
 * @param sizeSectors the length in sectors
 * @param typeGuid the GPT partition type GUID, upper case
 * @param partitionGuid the GPT unique partition GUID, upper case
 * @param name the GPT partition name
 * @param filesystemId the file system's UUID (lower case), the FAT volume id (eight hex digits)
 *     for the ESP, or {@code null} when the partition holds no file system
 */
public record Partition(
    int number,
    PartitionRole role,
    long startLba,
    long sizeSectors,
    String typeGuid,
    String partitionGuid,
    String name,
    String filesystemId) {

  public Partition {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(typeGuid, "typeGuid");
    Objects.requireNonNull(partitionGuid, "partitionGuid");
    Objects.requireNonNull(name, "name");
    if (number < 1 || startLba < 1 || sizeSectors < 1) {
      throw new IllegalArgumentException(
          "partition " + number + " has an impossible place: start " + startLba + ", size "
              + sizeSectors);
    }
  }

  /** The byte offset of the partition in the disk image. */
  public long offsetBytes() {
    return startLba * DiskLayout.SECTOR_SIZE;
  }

  /** The partition's length in bytes. */
  public long sizeBytes() {
    return sizeSectors * DiskLayout.SECTOR_SIZE;
  }

  /** The last sector, inclusive. */
  public long endLba() {
    return startLba + sizeSectors - 1;
  }

  /**
   * How fstab and {@code root=} refer to the file system: the UUID, or {@code XXXX-XXXX} for a
   * FAT volume id.
   */
  public String fstabUuid() {
    if (filesystemId == null) {
      throw new IllegalStateException("partition " + name + " holds no file system");
    }
    if (role == PartitionRole.ESP) {
      return filesystemId.substring(0, 4) + "-" + filesystemId.substring(4);
    }
    return filesystemId;
  }
}
