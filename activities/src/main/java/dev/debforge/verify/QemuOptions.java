package dev.debforge.verify;

import dev.debforge.boot.Firmware;
import dev.debforge.disk.Architecture;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How to start one verification boot.
 *
 * @param architecture the guest's architecture, which picks the qemu binary and machine
 * @param firmware UEFI (OVMF, or AAVMF on arm64) or BIOS (qemu's built-in SeaBIOS; amd64 only)
 * @param disk the disk image, never written: qemu opens it with {@code snapshot=on}, or as the
 *     backing file of the overlay
 * @param diskFormat qemu's name of the image format: {@code raw}, {@code qcow2}, {@code vmdk}, …
 * @param memoryMiB guest memory
 * @param cpus guest CPUs
 * @param accelerator KVM or TCG, usually from {@link Accelerator#detectFor}
 * @param serialSocket where qemu creates the unix socket of the first serial port
 * @param firmwareCode the UEFI code image, read-only; {@code null} for BIOS
 * @param firmwareVars a writable copy of the UEFI variable store; {@code null} for BIOS
 * @param overlay a qcow2 file backed by the disk that the guest writes instead of it, kept
 *     across qemu processes so that a guest that reboots (qemu ends at its reset, and the
 *     verifier starts another) finds what it wrote; {@code null} for a snapshot that ends with
 *     qemu
 * @param extraDrives disk images attached after the boot disk, read-only, in this order
 */
public record QemuOptions(
    Architecture architecture,
    Firmware firmware,
    Path disk,
    String diskFormat,
    int memoryMiB,
    int cpus,
    Accelerator accelerator,
    Path serialSocket,
    Path firmwareCode,
    Path firmwareVars,
    Path overlay,
    List<Drive> extraDrives) {

  public static final int DEFAULT_MEMORY_MIB = 2048;
  public static final int DEFAULT_CPUS = 2;

  public QemuOptions {
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(firmware, "firmware");
    Objects.requireNonNull(disk, "disk");
    Objects.requireNonNull(diskFormat, "diskFormat");
    Objects.requireNonNull(accelerator, "accelerator");
    Objects.requireNonNull(serialSocket, "serialSocket");
    extraDrives = extraDrives == null ? List.of() : List.copyOf(extraDrives);
    if (memoryMiB < 64 || cpus < 1) {
      throw new IllegalArgumentException(
          "a guest needs at least 64 MiB and one CPU, not " + memoryMiB + " MiB and " + cpus);
    }
  }

  /** Default memory and CPUs, no UEFI files yet (see {@link #withUefiFiles}). */
  public static QemuOptions of(
      Architecture architecture,
      Firmware firmware,
      Path disk,
      String diskFormat,
      Accelerator accelerator,
      Path serialSocket) {
    return new QemuOptions(
        architecture, firmware, disk, diskFormat, DEFAULT_MEMORY_MIB, DEFAULT_CPUS,
        accelerator, serialSocket, null, null, null, List.of());
  }

  public QemuOptions withUefiFiles(Path code, Path varsCopy) {
    return new QemuOptions(
        architecture, firmware, disk, diskFormat, memoryMiB, cpus, accelerator, serialSocket,
        code, varsCopy, overlay, extraDrives);
  }

  public QemuOptions withMachine(int memoryMiB, int cpus) {
    return new QemuOptions(
        architecture, firmware, disk, diskFormat, memoryMiB, cpus, accelerator, serialSocket,
        firmwareCode, firmwareVars, overlay, extraDrives);
  }

  /** Boots the overlay (made by {@link QemuCommand#overlay}) instead of a snapshot. */
  public QemuOptions withOverlay(Path overlay) {
    return new QemuOptions(
        architecture, firmware, disk, diskFormat, memoryMiB, cpus, accelerator, serialSocket,
        firmwareCode, firmwareVars, overlay, extraDrives);
  }

  /** Attaches these disk images after the boot disk, read-only. */
  public QemuOptions withExtraDrives(List<Drive> drives) {
    return new QemuOptions(
        architecture, firmware, disk, diskFormat, memoryMiB, cpus, accelerator, serialSocket,
        firmwareCode, firmwareVars, overlay, drives);
  }

  /**
   * A disk image the guest may read but never write, such as a repository to update from.
   *
   * @param file the image
   * @param format qemu's name of its format: {@code raw}, {@code qcow2}, …
   */
  public record Drive(Path file, String format) {
    public Drive {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(format, "format");
    }
  }
}
