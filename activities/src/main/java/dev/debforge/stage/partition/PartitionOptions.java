package dev.debforge.stage.partition;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Options of the {@code partition} stage.
 *
 * @param seed what every UUID and GUID of the disk derives from (the plan's build seed), so that
 *     the deploy step's kernel arguments and fstab name the file systems made here
 * @param rootFsType ext4, xfs or btrfs
 * @param sizeBytes the disk size, or null for the larger of 10 GiB and twice the content
 * @param firmwares {@code uefi} and/or {@code bios}, as the bootloader step made them
 * @param sourceDateEpoch file system timestamps for reproducible images, or null
 * @param minRootBytes the smallest root partition, or null for 1 GiB; left out of the options'
 *     JSON when null, so that plans without it keep their keys
 */
public record PartitionOptions(
    String seed, String rootFsType, Long sizeBytes, java.util.List<String> firmwares,
    Long sourceDateEpoch, @JsonInclude(JsonInclude.Include.NON_NULL) Long minRootBytes) {
  public PartitionOptions {
    firmwares = java.util.List.copyOf(firmwares);
  }

  public PartitionOptions(
      String seed, String rootFsType, Long sizeBytes, java.util.List<String> firmwares,
      Long sourceDateEpoch) {
    this(seed, rootFsType, sizeBytes, firmwares, sourceDateEpoch, null);
  }
}
