package dev.debforge.disk;

/**
 * What a partition is for. The GPT partition name and the role string used to derive its
 * identifiers (see {@link BuildIds}) come from here.
 */
public enum PartitionRole {
  /** Holds GRUB's core.img on a GPT disk booted by a legacy BIOS; no file system. */
  BIOS_BOOT("BIOS-BOOT", "bios-boot"),
  /** The EFI system partition (FAT32). */
  ESP("EFI-SYSTEM", "esp"),
  /** The file system mounted at /boot; ostree's kernels and BLS entries live here. */
  BOOT("boot", "boot"),
  /** The root file system with the OSTree sysroot. */
  ROOT("root", "root");

  /** GRUB's BIOS boot partition type. */
  public static final String BIOS_BOOT_TYPE = "21686148-6449-6E6F-744E-656564454649";

  /** The EFI system partition type. */
  public static final String ESP_TYPE = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";

  /**
   * The type for /boot: "Linux filesystem data", not the DPS XBOOTLDR type. XBOOTLDR promises a
   * partition the boot loader reads through firmware file system drivers (in practice VFAT, for
   * systemd-boot); our /boot is ext4 read by GRUB's own driver. bootc install and
   * bootc-image-builder use this same type for /boot, so tools that inspect their disks see the
   * same layout on ours.
   */
  public static final String LINUX_DATA_TYPE = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";

  private final String gptName;
  private final String key;

  PartitionRole(String gptName, String key) {
    this.gptName = gptName;
    this.key = key;
  }

  /** The GPT partition name written to the table. */
  public String gptName() {
    return gptName;
  }

  /** A short stable key; identifiers are derived from {@code part:KEY} and {@code fs:KEY}. */
  public String key() {
    return key;
  }

  /** The GPT partition type GUID for this role on an architecture. */
  public String typeGuid(Architecture arch) {
    return switch (this) {
      case BIOS_BOOT -> BIOS_BOOT_TYPE;
      case ESP -> ESP_TYPE;
      case BOOT -> LINUX_DATA_TYPE;
      case ROOT -> arch.rootTypeGuid();
    };
  }
}
