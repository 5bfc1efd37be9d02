package dev.debforge.verify;

import dev.debforge.boot.Firmware;
import dev.debforge.disk.Architecture;
import dev.debforge.plugin.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The qemu command line of a verification boot.
 *
 * <p>For amd64: {@code qemu-system-x86_64 -machine q35,graphics=off -accel … -cpu … -nodefaults
 * -display none -no-reboot -m 2048 -smp 2 [UEFI pflash pair] -drive file=DISK,if=virtio,
 * format=FMT,snapshot=on [-drive file=EXTRA,if=virtio,format=FMT,readonly=on …] -nic none
 * -chardev socket,id=ser0,path=SOCK,server=on,wait=on -serial chardev:ser0}. For arm64 the
 * binary is {@code qemu-system-aarch64} with {@code -machine virt} and AAVMF; arm64 has no BIOS.
 *
 * <p>Three choices that are not obvious: {@code graphics=off} is what makes SeaBIOS print on
 * the serial port when there is no display; {@code wait=on} makes qemu wait for the console to
 * connect before the guest runs, so not one byte of firmware output is lost (with {@code wait=off}
 * output before the connection is dropped); {@code -no-reboot} turns a panic-and-reboot loop into
 * an exit that the verifier sees at once, and a reboot the commands ask for into a cold start:
 * qemu ends at the guest's reset and the verifier starts another on the same overlay ({@link
 * QemuOptions#overlay}, made by {@link #overlay}) and UEFI variables. A warm reset is never
 * asked of the firmware: under software emulation OVMF now and then hangs in one.
 */
public final class QemuCommand {

  public static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
  public static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");
  public static final Path AAVMF_CODE = Path.of("/usr/share/AAVMF/AAVMF_CODE.fd");
  public static final Path AAVMF_VARS = Path.of("/usr/share/AAVMF/AAVMF_VARS.fd");

  /**
   * The format name that boots the image as a CD ({@code .iso}): a read-only SCSI CD-ROM on
   * virtio-scsi, which SeaBIOS, OVMF and AAVMF all boot from, on q35 and on arm64's virt alike.
   * An ISO verified as {@code raw} boots as a plain disk, as when written to a USB stick.
   */
  public static final String CDROM = "iso";

  private QemuCommand() {}

  /** The argv for these options. */
  public static List<String> argv(QemuOptions options) throws BadInputException {
    boolean arm = options.architecture() == Architecture.ARM64;
    boolean uefi = options.firmware() == Firmware.UEFI;
    if (arm && !uefi) {
      throw new BadInputException(
          "arm64 disks boot only with UEFI; there is no BIOS for qemu's arm64 machine",
          "set firmware to uefi for arm64 images");
    }
    if (uefi && (options.firmwareCode() == null || options.firmwareVars() == null)) {
      throw new IllegalArgumentException("UEFI needs the firmware code and a copy of its vars");
    }
    List<String> argv = new ArrayList<>();
    argv.add(arm ? "qemu-system-aarch64" : "qemu-system-x86_64");
    argv.addAll(List.of("-machine", arm ? "virt" : "q35,graphics=off"));
    if (options.accelerator() == Accelerator.KVM) {
      argv.addAll(List.of("-accel", "kvm", "-cpu", "host"));
    } else {
      argv.addAll(List.of("-accel", "tcg,thread=multi", "-cpu", "max"));
    }
    argv.addAll(List.of("-nodefaults", "-display", "none"));
    argv.add("-no-reboot");
    argv.addAll(List.of("-m", Integer.toString(options.memoryMiB())));
    argv.addAll(List.of("-smp", Integer.toString(options.cpus())));
    if (uefi) {
      argv.addAll(
          List.of(
              "-drive",
              "if=pflash,format=raw,unit=0,readonly=on,file=" + escape(options.firmwareCode()),
              "-drive",
              "if=pflash,format=raw,unit=1,file=" + escape(options.firmwareVars())));
    }
    if (options.diskFormat().equals(CDROM)) {
      argv.addAll(
          List.of(
              "-drive",
              "file=" + escape(options.disk()) + ",if=none,id=cd0,media=cdrom,readonly=on"
                  + ",format=raw",
              "-device", "virtio-scsi-pci,id=scsi0",
              "-device", "scsi-cd,drive=cd0,bus=scsi0.0,bootindex=0"));
    } else if (options.overlay() != null) {
      argv.addAll(
          List.of("-drive", "file=" + escape(options.overlay()) + ",if=virtio,format=qcow2"));
    } else {
      argv.addAll(
          List.of(
              "-drive",
              "file=" + escape(options.disk()) + ",if=virtio,format=" + options.diskFormat()
                  + ",snapshot=on"));
    }
    // After the boot disk, so that firmware and guest enumerate the boot disk first (vda).
    // readonly=on, unlike a snapshot, makes a write by the guest fail instead of vanishing.
    for (QemuOptions.Drive drive : options.extraDrives()) {
      argv.addAll(
          List.of(
              "-drive",
              "file=" + escape(drive.file()) + ",if=virtio,format=" + drive.format()
                  + ",readonly=on"));
    }
    argv.addAll(List.of("-nic", "none"));
    argv.addAll(
        List.of(
            "-chardev",
            "socket,id=ser0,path=" + escape(options.serialSocket()) + ",server=on,wait=on",
            "-serial",
            "chardev:ser0"));
    return List.copyOf(argv);
  }

  /** The read-only UEFI code image for this architecture. */
  public static Path firmwareCode(Architecture architecture) {
    return architecture == Architecture.ARM64 ? AAVMF_CODE : OVMF_CODE;
  }

  /**
   * Copies the architecture's empty UEFI variable store into {@code directory}, since the guest
   * writes to it and the installed template must stay pristine.
   */
  public static Path copyVars(Architecture architecture, Path directory) throws IOException {
    Path template = architecture == Architecture.ARM64 ? AAVMF_VARS : OVMF_VARS;
    Path copy = directory.resolve(template.getFileName().toString().toLowerCase(Locale.ROOT));
    Files.copy(template, copy, StandardCopyOption.REPLACE_EXISTING);
    return copy;
  }

  /** qemu's option syntax separates with commas, and a literal comma is written twice. */
  static String escape(Path path) {
    return path.toString().replace(",", ",,");
  }

  /**
   * {@code qemu-img create} of a qcow2 overlay backed by the disk, which the guest then writes
   * instead of the disk; the disk is opened read-only as its backing file.
   */
  public static List<String> overlay(Path disk, String diskFormat, Path overlay) {
    return List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", diskFormat, "-b",
        disk.toAbsolutePath().toString(), overlay.toString());
  }
}
