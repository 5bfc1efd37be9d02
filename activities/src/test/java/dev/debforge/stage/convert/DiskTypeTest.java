package dev.debforge.stage.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.disk.QemuImg;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DiskTypeTest {

  @Test
  void everyTypeIsWhereBootcImageBuilderPutsIt() {
    Map<String, String> paths = new TreeMap<>();
    for (DiskType type : DiskType.values()) {
      paths.put(type.id(), type.directory() + "/" + type.fileName());
    }
    assertEquals(
        Map.of(
            "raw", "image/disk.raw",
            "ami", "image/disk.raw",
            "qcow2", "qcow2/disk.qcow2",
            "vmdk", "vmdk/disk.vmdk",
            "vhd", "vpc/disk.vhd",
            "vhdx", "vhdx/disk.vhdx",
            "vdi", "vdi/disk.vdi",
            "gce", "gce/image.tar.gz",
            "ova", "ova/image.ova"),
        paths);
  }

  @Test
  void amiIsTheRawDiskAndTheArchivesAreNoQemuImgFormat() {
    assertEquals(QemuImg.Format.RAW, DiskType.AMI.format());
    assertNull(DiskType.GCE.format());
    assertNull(DiskType.OVA.format());
  }

  @Test
  void parsingIgnoresCaseAndNamesTheKnownTypes() {
    assertEquals(DiskType.VHDX, DiskType.parse("VHDX"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DiskType.parse("iso"));
    assertTrue(e.getMessage().startsWith("unknown disk type 'iso'; debforge makes [raw, qcow2"),
        e.getMessage());
  }

  @Test
  void selectionKeepsOrderCountsRepeatsOnceAndRefusesTwoTypesForOneFile() {
    assertEquals(
        List.of(DiskType.VMDK, DiskType.QCOW2, DiskType.RAW),
        DiskType.select(List.of("vmdk", "QCOW2", " raw", "qcow2")));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DiskType.select(List.of("ami", "qcow2", "raw")));
    assertEquals(
        "ami and raw are both written to image/disk.raw, the same disk: ask for one of them",
        e.getMessage());
  }
}
