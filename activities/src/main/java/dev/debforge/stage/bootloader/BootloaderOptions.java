package dev.debforge.stage.bootloader;

import java.util.List;

/**
 * Options of the {@code bootloader} stage.
 *
 * @param bootUuid the UUID of the /boot file system, which GRUB searches for
 * @param firmwares {@code uefi} and/or {@code bios} (BIOS on amd64 only)
 * @param timeoutSeconds how long the GRUB menu waits
 */
public record BootloaderOptions(String bootUuid, List<String> firmwares, int timeoutSeconds) {
  public BootloaderOptions {
    firmwares = List.copyOf(firmwares);
  }
}
