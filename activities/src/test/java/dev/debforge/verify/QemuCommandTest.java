package dev.debforge.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.boot.Firmware;
import dev.debforge.disk.Architecture;
import dev.debforge.plugin.BadInputException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuCommandTest {

  private static final Path DISK = Path.of("/store/disk/disk.qcow2");
  private static final Path SOCK = Path.of("/scratch/console.sock");
  private static final List<String> SERIAL =
      List.of(
          "-nic", "none",
          "-chardev", "socket,id=ser0,path=/scratch/console.sock,server=on,wait=on",
          "-serial", "chardev:ser0");

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  @Test
  void amd64BiosUnderTcgUsesSeaBiosOnTheSerialPort() throws Exception {
    QemuOptions options =
        QemuOptions.of(Architecture.AMD64, Firmware.BIOS, DISK, "qcow2", Accelerator.TCG, SOCK);
    assertEquals(
        concat(
            List.of(
                "qemu-system-x86_64", "-machine", "q35,graphics=off",
                "-accel", "tcg,thread=multi", "-cpu", "max",
                "-nodefaults", "-display", "none", "-no-reboot", "-m", "2048", "-smp", "2",
                "-drive", "file=/store/disk/disk.qcow2,if=virtio,format=qcow2,snapshot=on"),
            SERIAL),
        QemuCommand.argv(options));
  }

  @Test
  void anIsoBootsAsAReadOnlyScsiCd() throws Exception {
    QemuOptions options =
        QemuOptions.of(Architecture.AMD64, Firmware.BIOS, Path.of("/out/bootiso/install.iso"),
            QemuCommand.CDROM, Accelerator.TCG, SOCK);
    assertEquals(
        concat(
            List.of(
                "qemu-system-x86_64", "-machine", "q35,graphics=off",
                "-accel", "tcg,thread=multi", "-cpu", "max",
                "-nodefaults", "-display", "none", "-no-reboot", "-m", "2048", "-smp", "2",
                "-drive",
                "file=/out/bootiso/install.iso,if=none,id=cd0,media=cdrom,readonly=on,format=raw",
                "-device", "virtio-scsi-pci,id=scsi0",
                "-device", "scsi-cd,drive=cd0,bus=scsi0.0,bootindex=0"),
            SERIAL),
        QemuCommand.argv(options));
  }

  @Test
  void amd64UefiUnderKvmAddsTheOvmfPflashPair() throws Exception {
    QemuOptions options =
        QemuOptions.of(Architecture.AMD64, Firmware.UEFI, DISK, "raw", Accelerator.KVM, SOCK)
            .withUefiFiles(QemuCommand.OVMF_CODE, Path.of("/scratch/ovmf_vars_4m.fd"))
            .withMachine(4096, 4);
    assertEquals(
        concat(
            List.of(
                "qemu-system-x86_64", "-machine", "q35,graphics=off",
                "-accel", "kvm", "-cpu", "host",
                "-nodefaults", "-display", "none", "-no-reboot", "-m", "4096", "-smp", "4",
                "-drive",
                "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
                "-drive", "if=pflash,format=raw,unit=1,file=/scratch/ovmf_vars_4m.fd",
                "-drive", "file=/store/disk/disk.qcow2,if=virtio,format=raw,snapshot=on"),
            SERIAL),
        QemuCommand.argv(options));
  }

  @Test
  void arm64UefiUsesTheVirtMachineAndAavmf() throws Exception {
    QemuOptions options =
        QemuOptions.of(Architecture.ARM64, Firmware.UEFI, DISK, "qcow2", Accelerator.TCG, SOCK)
            .withUefiFiles(QemuCommand.AAVMF_CODE, Path.of("/scratch/aavmf_vars.fd"));
    assertEquals(
        concat(
            List.of(
                "qemu-system-aarch64", "-machine", "virt",
                "-accel", "tcg,thread=multi", "-cpu", "max",
                "-nodefaults", "-display", "none", "-no-reboot", "-m", "2048", "-smp", "2",
                "-drive",
                "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.fd",
                "-drive", "if=pflash,format=raw,unit=1,file=/scratch/aavmf_vars.fd",
                "-drive", "file=/store/disk/disk.qcow2,if=virtio,format=qcow2,snapshot=on"),
            SERIAL),
        QemuCommand.argv(options));
  }

  @Test
  void arm64KvmUsesTheHostCpu() throws Exception {
    QemuOptions options =
        QemuOptions.of(Architecture.ARM64, Firmware.UEFI, DISK, "qcow2", Accelerator.KVM, SOCK)
            .withUefiFiles(QemuCommand.AAVMF_CODE, Path.of("/scratch/aavmf_vars.fd"));
    List<String> argv = QemuCommand.argv(options);
    assertEquals(List.of("-accel", "kvm", "-cpu", "host"), argv.subList(3, 7));
  }

  @Test
  void rejectsBiosOnArm64() {
    QemuOptions options =
        QemuOptions.of(Architecture.ARM64, Firmware.BIOS, DISK, "qcow2", Accelerator.TCG, SOCK);
    BadInputException e = assertThrows(BadInputException.class, () -> QemuCommand.argv(options));
    assertTrue(e.getMessage().contains("Hint: set firmware to uefi"));
  }

  @Test
  void extraDrivesFollowTheBootDiskReadOnly() throws Exception {
    QemuOptions options =
        QemuOptions.of(Architecture.AMD64, Firmware.BIOS, DISK, "qcow2", Accelerator.TCG, SOCK)
            .withExtraDrives(
                List.of(
                    new QemuOptions.Drive(Path.of("/work/repo.raw"), "raw"),
                    new QemuOptions.Drive(Path.of("/work/more,data.qcow2"), "qcow2")))
            .withOverlay(Path.of("/tmp/v/disk-overlay.qcow2"));
    List<String> argv = QemuCommand.argv(options);
    int boot = argv.indexOf("file=/tmp/v/disk-overlay.qcow2,if=virtio,format=qcow2");
    assertEquals(
        List.of(
            "-drive", "file=/tmp/v/disk-overlay.qcow2,if=virtio,format=qcow2",
            "-drive", "file=/work/repo.raw,if=virtio,format=raw,readonly=on",
            "-drive", "file=/work/more,,data.qcow2,if=virtio,format=qcow2,readonly=on",
            "-nic", "none"),
        argv.subList(boot - 1, boot + 7));
    assertEquals(
        0, argv.stream().filter(arg -> arg.contains("snapshot=on")).count(),
        "the overlay stands in for the boot disk's snapshot; the others are read-only");
    assertTrue(argv.contains("-no-reboot"), "a reboot ends qemu; the verifier starts another");
  }

  @Test
  void extraDrivesFollowAnIsoBootedAsACd() throws Exception {
    QemuOptions options =
        QemuOptions.of(Architecture.AMD64, Firmware.BIOS, Path.of("/out/install.iso"),
                QemuCommand.CDROM, Accelerator.TCG, SOCK)
            .withExtraDrives(List.of(new QemuOptions.Drive(Path.of("/work/repo.raw"), "raw")));
    List<String> argv = QemuCommand.argv(options);
    assertEquals(
        List.of(
            "-device", "scsi-cd,drive=cd0,bus=scsi0.0,bootindex=0",
            "-drive", "file=/work/repo.raw,if=virtio,format=raw,readonly=on"),
        argv.subList(argv.indexOf("scsi-cd,drive=cd0,bus=scsi0.0,bootindex=0") - 1,
            argv.indexOf("-nic")));
  }

  @Test
  void withoutExtraDrivesThereIsOneDisk() throws Exception {
    QemuOptions options =
        QemuOptions.of(Architecture.AMD64, Firmware.BIOS, DISK, "qcow2", Accelerator.TCG, SOCK);
    assertEquals(List.of(), options.extraDrives());
    assertEquals(1, QemuCommand.argv(options).stream().filter("-drive"::equals).count());
  }

  @Test
  void doublesCommasInPaths() throws Exception {
    QemuOptions options =
        QemuOptions.of(
            Architecture.AMD64, Firmware.BIOS, Path.of("/a,b/disk.raw"), "raw", Accelerator.TCG,
            SOCK);
    assertTrue(
        QemuCommand.argv(options).contains("file=/a,,b/disk.raw,if=virtio,format=raw,snapshot=on"));
  }
}
