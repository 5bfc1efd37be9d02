package dev.debforge.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuImgTest {

  private static List<String> convert(QemuImg.Format format, boolean compressed) {
    return QemuImg.convert(
            new QemuImg.Convert(Path.of("disk.raw"), Path.of("out"), format, compressed))
        .argv();
  }

  @Test
  void convertsToEachFormatWithItsCreationOptions() {
    assertEquals(
        List.of("qemu-img", "convert", "-f", "raw", "-O", "qcow2", "disk.raw", "out"),
        convert(QemuImg.Format.QCOW2, false));
    assertEquals(
        List.of("qemu-img", "convert", "-f", "raw", "-O", "qcow2", "-c", "disk.raw", "out"),
        convert(QemuImg.Format.QCOW2, true));
    assertEquals(
        List.of("qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o",
            "subformat=streamOptimized", "disk.raw", "out"),
        convert(QemuImg.Format.VMDK, false));
    assertEquals(
        List.of("qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o",
            "subformat=fixed,force_size=on", "disk.raw", "out"),
        convert(QemuImg.Format.VHD, false));
    assertEquals(
        List.of("qemu-img", "convert", "-f", "raw", "-O", "vhdx", "-o", "subformat=dynamic",
            "disk.raw", "out"),
        convert(QemuImg.Format.VHDX, false));
    assertEquals(
        List.of("qemu-img", "convert", "-f", "raw", "-O", "vdi", "disk.raw", "out"),
        convert(QemuImg.Format.VDI, false));
  }

  @Test
  void onlyQcow2CanBeCompressed() {
    assertThrows(IllegalArgumentException.class, () -> convert(QemuImg.Format.VMDK, true));
  }

  @Test
  void infoCheckAndCompareArgv() {
    assertEquals(
        List.of("qemu-img", "info", "--output=json", "d.qcow2"),
        QemuImg.info(Path.of("d.qcow2")).argv());
    assertEquals(
        List.of("qemu-img", "check", "-f", "qcow2", "d.qcow2"),
        QemuImg.check(Path.of("d.qcow2"), QemuImg.Format.QCOW2).argv());
    assertEquals(
        List.of("qemu-img", "compare", "-f", "raw", "-F", "vpc", "d.raw", "d.vhd"),
        QemuImg.compare(Path.of("d.raw"), Path.of("d.vhd"), QemuImg.Format.VHD).argv());
  }
}
