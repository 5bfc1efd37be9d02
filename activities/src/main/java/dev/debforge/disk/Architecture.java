package dev.debforge.disk;

import java.util.Locale;

/**
 * The machine architectures debforge builds disks for, with the Debian name used in recipes
 * and on the command line.
 */
public enum Architecture {
  AMD64("amd64", "x86_64", "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", true),
  ARM64("arm64", "aarch64", "B921B045-1DF0-41C3-AF44-4C6F280D3FAE", false);

  private final String debianName;
  private final String ostreeName;
  private final String rootTypeGuid;
  private final boolean biosBoot;

  Architecture(String debianName, String ostreeName, String rootTypeGuid, boolean biosBoot) {
    this.debianName = debianName;
    this.ostreeName = ostreeName;
    this.rootTypeGuid = rootTypeGuid;
    this.biosBoot = biosBoot;
  }

  /** The name OSTree refs use, as in {@code debian/bookworm/x86_64}. */
  public String ostreeName() {
    return ostreeName;
  }

  /** The Debian architecture name, as in {@code dpkg --print-architecture}. */
  public String debianName() {
    return debianName;
  }

  /** The Discoverable Partitions Specification root partition type for this architecture. */
  public String rootTypeGuid() {
    return rootTypeGuid;
  }

  /** Whether the disk also boots from a legacy BIOS, and so needs a BIOS boot partition. */
  public boolean hasBiosBoot() {
    return biosBoot;
  }

  /** Reads a Debian architecture name such as {@code amd64}. */
  public static Architecture fromDebianName(String name) {
    for (Architecture arch : values()) {
      if (arch.debianName.equals(name.toLowerCase(Locale.ROOT))) {
        return arch;
      }
    }
    throw new IllegalArgumentException(
        "unknown architecture '" + name + "'\nHint: debforge builds disks for amd64 and arm64");
  }
}
