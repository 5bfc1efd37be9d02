package dev.debforge.disk;

import java.util.Objects;

/**
 * What a disk layout is computed from. Sizes are bytes.
 *
 * @param arch the architecture; amd64 gets a BIOS boot partition
 * @param seed the build seed every identifier is derived from (see {@link BuildIds})
 * @param contentBytes how much the root file system will hold
 * @param requestedBytes the disk size the recipe or config asks for, or 0 for the default
 * @param espBytes the ESP size (bootc-image-builder's 501 MiB by default)
 * @param bootBytes the /boot size (1 GiB by default)
 * @param minimumRootBytes the smallest root partition accepted, whatever the content
 * @param defaultFloorBytes the smallest default disk size (10 GiB)
 */
public record LayoutRequest(
    Architecture arch,
    String seed,
    long contentBytes,
    long requestedBytes,
    long espBytes,
    long bootBytes,
    long minimumRootBytes,
    long defaultFloorBytes) {

  public static final long MIB = 1024L * 1024;
  public static final long GIB = 1024 * MIB;
  public static final long DEFAULT_ESP_BYTES = 501 * MIB;
  public static final long DEFAULT_BOOT_BYTES = GIB;
  public static final long DEFAULT_MINIMUM_ROOT_BYTES = GIB;
  public static final long DEFAULT_FLOOR_BYTES = 10 * GIB;

  public LayoutRequest {
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(seed, "seed");
    if (contentBytes < 0 || requestedBytes < 0 || espBytes <= 0 || bootBytes <= 0
        || minimumRootBytes <= 0 || defaultFloorBytes < 0) {
      throw new IllegalArgumentException(
          "disk sizes must be positive (content and requested size may be 0)");
    }
  }

  /** The default layout for an architecture: no requested size, default partition sizes. */
  public static LayoutRequest defaults(Architecture arch, String seed, long contentBytes) {
    return new LayoutRequest(
        arch,
        seed,
        contentBytes,
        0,
        DEFAULT_ESP_BYTES,
        DEFAULT_BOOT_BYTES,
        DEFAULT_MINIMUM_ROOT_BYTES,
        DEFAULT_FLOOR_BYTES);
  }

  public LayoutRequest withRequestedBytes(long bytes) {
    return new LayoutRequest(
        arch, seed, contentBytes, bytes, espBytes, bootBytes, minimumRootBytes, defaultFloorBytes);
  }

  public LayoutRequest withEspBytes(long bytes) {
    return new LayoutRequest(
        arch, seed, contentBytes, requestedBytes, bytes, bootBytes, minimumRootBytes,
        defaultFloorBytes);
  }

  public LayoutRequest withBootBytes(long bytes) {
    return new LayoutRequest(
        arch, seed, contentBytes, requestedBytes, espBytes, bytes, minimumRootBytes,
        defaultFloorBytes);
  }

  /** Lowers (or raises) the smallest root accepted; tests use this to build tiny disks. */
  public LayoutRequest withMinimumRootBytes(long bytes) {
    return new LayoutRequest(
        arch, seed, contentBytes, requestedBytes, espBytes, bootBytes, bytes, defaultFloorBytes);
  }
}
