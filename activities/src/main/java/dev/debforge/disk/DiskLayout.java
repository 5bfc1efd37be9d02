package dev.debforge.disk;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The GPT layout of a debforge disk: BIOS boot (amd64 only, 1 MiB), ESP, /boot and root, in
 * that order, each starting on a 1 MiB boundary, with 512-byte sectors.
 *
 * <p>The disk is the requested size rounded up to a whole MiB, or, when none is requested, the
 * larger of 10 GiB and twice the content. Root takes what is left after the other partitions,
 * rounded down to a whole MiB, and always ends before the last 33 sectors, which hold the
 * backup GPT (32 sectors of partition entries and its header).
 *
 * @param arch the architecture the layout is for
 * @param sizeBytes the disk size, a whole number of MiB
 * @param diskGuid the GPT disk GUID (sfdisk's {@code label-id}), upper case
 * @param partitions the partitions in table order
 */
public record DiskLayout(
    Architecture arch, long sizeBytes, String diskGuid, List<Partition> partitions) {

  public static final int SECTOR_SIZE = 512;
  public static final long ALIGNMENT_SECTORS = LayoutRequest.MIB / SECTOR_SIZE;
  /** Sectors of one copy of the GPT partition entries: 128 entries of 128 bytes. */
  public static final long GPT_ENTRY_SECTORS = 32;
  /** The first sector a partition may use: after the MBR, GPT header and entries. */
  public static final long FIRST_USABLE_LBA = 2 + GPT_ENTRY_SECTORS;
  public static final long BIOS_BOOT_BYTES = LayoutRequest.MIB;

  public DiskLayout {
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(diskGuid, "diskGuid");
    partitions = List.copyOf(partitions);
  }

  /** The number of 512-byte sectors on the disk. */
  public long totalSectors() {
    return sizeBytes / SECTOR_SIZE;
  }

  /** The last sector a partition may use: the backup GPT takes the 33 after it. */
  public long lastUsableLba() {
    return totalSectors() - 1 - (GPT_ENTRY_SECTORS + 1);
  }

  /** The partition with a role, if the layout has one. */
  public Optional<Partition> find(PartitionRole role) {
    return partitions.stream().filter(p -> p.role() == role).findFirst();
  }

  /** The partition with a role; the layout must have it. */
  public Partition partition(PartitionRole role) {
    return find(role)
        .orElseThrow(
            () -> new IllegalStateException("the " + arch.debianName() + " layout has no " + role));
  }

  /**
   * Computes the layout.
   *
   * @throws IllegalArgumentException when the requested size is too small; the message says the
   *     smallest size that fits
   */
  public static DiskLayout compute(LayoutRequest request) {
    BuildIds ids = new BuildIds(request.seed());
    long espSectors = alignUp(request.espBytes()) / SECTOR_SIZE;
    long bootSectors = alignUp(request.bootBytes()) / SECTOR_SIZE;
    long rootMinimumSectors =
        alignUp(Math.max(request.minimumRootBytes(), request.contentBytes())) / SECTOR_SIZE;
    long head = ALIGNMENT_SECTORS;
    long fixed =
        (request.arch().hasBiosBoot() ? BIOS_BOOT_BYTES / SECTOR_SIZE : 0)
            + espSectors
            + bootSectors;
    // The backup GPT needs 33 sectors; with root rounded down to whole MiB, that costs one MiB.
    long tail = ALIGNMENT_SECTORS;
    long minimumBytes = (head + fixed + rootMinimumSectors + tail) * SECTOR_SIZE;

    long sizeBytes;
    if (request.requestedBytes() > 0) {
      sizeBytes = alignUp(request.requestedBytes());
      if (sizeBytes < minimumBytes) {
        throw new IllegalArgumentException(
            "the requested disk size "
                + describe(request.requestedBytes())
                + " is too small: this layout needs at least "
                + describe(minimumBytes)
                + " ("
                + minimumBytes
                + " bytes)\nHint: ask for a size of at least "
                + describe(minimumBytes)
                + ", or leave the size out to get the larger of "
                + describe(request.defaultFloorBytes())
                + " and twice the content");
      }
    } else {
      long twice = Math.multiplyExact(request.contentBytes(), 2);
      sizeBytes = alignUp(Math.max(minimumBytes, Math.max(request.defaultFloorBytes(), twice)));
    }

    List<Partition> partitions = new ArrayList<>();
    long next = head;
    if (request.arch().hasBiosBoot()) {
      next = add(partitions, ids, request.arch(), PartitionRole.BIOS_BOOT, next,
          BIOS_BOOT_BYTES / SECTOR_SIZE);
    }
    next = add(partitions, ids, request.arch(), PartitionRole.ESP, next, espSectors);
    next = add(partitions, ids, request.arch(), PartitionRole.BOOT, next, bootSectors);
    long totalSectors = sizeBytes / SECTOR_SIZE;
    long lastUsable = totalSectors - 1 - (GPT_ENTRY_SECTORS + 1);
    long rootSectors = (lastUsable + 1 - next) / ALIGNMENT_SECTORS * ALIGNMENT_SECTORS;
    add(partitions, ids, request.arch(), PartitionRole.ROOT, next, rootSectors);
    return new DiskLayout(
        request.arch(), sizeBytes, guid(ids, "disk"), partitions);
  }

  private static long add(
      List<Partition> partitions,
      BuildIds ids,
      Architecture arch,
      PartitionRole role,
      long start,
      long sectors) {
    String fsId =
        switch (role) {
          case BIOS_BOOT -> null;
          case ESP -> ids.fatVolumeId("fs:" + role.key());
          case BOOT, ROOT -> ids.uuid("fs:" + role.key()).toString();
        };
    partitions.add(
        new Partition(
            partitions.size() + 1,
            role,
            start,
            sectors,
            role.typeGuid(arch),
            guid(ids, "part:" + role.key()),
            role.gptName(),
            fsId));
    return start + sectors;
  }

  private static String guid(BuildIds ids, String role) {
    return ids.uuid(role).toString().toUpperCase(java.util.Locale.ROOT);
  }

  private static long alignUp(long bytes) {
    return Math.floorDiv(Math.addExact(bytes, LayoutRequest.MIB - 1), LayoutRequest.MIB)
        * LayoutRequest.MIB;
  }

  private static String describe(long bytes) {
    if (bytes % LayoutRequest.GIB == 0) {
      return bytes / LayoutRequest.GIB + " GiB";
    }
    return (bytes + LayoutRequest.MIB - 1) / LayoutRequest.MIB + " MiB";
  }
}
