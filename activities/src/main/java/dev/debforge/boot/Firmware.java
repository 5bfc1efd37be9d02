package dev.debforge.boot;

/** The firmware a boot loader image is built for. */
public enum Firmware {
  /** UEFI: GRUB is an EFI application on the ESP. */
  UEFI,
  /** A legacy BIOS: GRUB's core.img sits in the BIOS boot partition, boot.img in the MBR. */
  BIOS
}
