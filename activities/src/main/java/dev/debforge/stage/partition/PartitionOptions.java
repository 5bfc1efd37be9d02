package dev.debforge.stage.partition;

/**
 * Options of the {@code partition} stage.
 *
 * @param seed what every UUID and GUID of the disk derives from (the plan's build seed), so that
 *     the deploy step's kernel arguments and fstab name the file systems made here
 * @param rootFsType ext4 or btrfs
 * @param sizeBytes the disk size, or null for the larger of 10 GiB and twice the content
 * @param firmwares {@code uefi} and/or {@code bios}, as the bootloader step made them
 * @param sourceDateEpoch file system timestamps for reproducible images, or null
 */
public record PartitionOptions(
    String seed, String rootFsType, Long sizeBytes, java.util.List<String> firmwares,
    Long sourceDateEpoch) {
  public PartitionOptions {
    firmwares = java.util.List.copyOf(firmwares);
  }
}
