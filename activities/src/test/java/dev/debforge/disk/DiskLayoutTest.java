package dev.debforge.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DiskLayoutTest {

  private static final long MIB = LayoutRequest.MIB;
  private static final long GIB = LayoutRequest.GIB;

  @Test
  void amd64HasBiosBootEspBootAndRootAlignedToMib() {
    DiskLayout layout = DiskLayout.compute(LayoutRequest.defaults(Architecture.AMD64, "s", GIB));
    List<Partition> parts = layout.partitions();
    assertEquals(4, parts.size());
    assertEquals(
        List.of(PartitionRole.BIOS_BOOT, PartitionRole.ESP, PartitionRole.BOOT, PartitionRole.ROOT),
        parts.stream().map(Partition::role).toList());
    assertEquals(2048, parts.get(0).startLba());
    assertEquals(2048, parts.get(0).sizeSectors());
    assertEquals(4096, parts.get(1).startLba());
    assertEquals(501 * MIB, parts.get(1).sizeBytes());
    assertEquals(GIB, parts.get(2).sizeBytes());
    for (Partition p : parts) {
      assertEquals(0, p.startLba() % 2048, p.name());
      assertEquals(0, p.sizeSectors() % 2048, p.name());
    }
    for (int i = 1; i < parts.size(); i++) {
      assertEquals(parts.get(i - 1).endLba() + 1, parts.get(i).startLba());
    }
  }

  @Test
  void arm64HasNoBiosBootAndTheAarch64RootType() {
    DiskLayout layout = DiskLayout.compute(LayoutRequest.defaults(Architecture.ARM64, "s", GIB));
    assertEquals(3, layout.partitions().size());
    assertEquals(PartitionRole.ESP, layout.partitions().get(0).role());
    assertEquals(2048, layout.partitions().get(0).startLba());
    assertEquals(
        "B921B045-1DF0-41C3-AF44-4C6F280D3FAE", layout.partition(PartitionRole.ROOT).typeGuid());
    assertTrue(layout.find(PartitionRole.BIOS_BOOT).isEmpty());
  }

  @Test
  void usesTheDocumentedTypeGuids() {
    DiskLayout layout = DiskLayout.compute(LayoutRequest.defaults(Architecture.AMD64, "s", 0));
    assertEquals(
        "21686148-6449-6E6F-744E-656564454649", layout.partition(PartitionRole.BIOS_BOOT).typeGuid());
    assertEquals(
        "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", layout.partition(PartitionRole.ESP).typeGuid());
    assertEquals(
        "0FC63DAF-8483-4772-8E79-3D69D8477DE4", layout.partition(PartitionRole.BOOT).typeGuid());
    assertEquals(
        "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", layout.partition(PartitionRole.ROOT).typeGuid());
  }

  @Test
  void defaultSizeIsTenGibForSmallContent() {
    DiskLayout layout = DiskLayout.compute(LayoutRequest.defaults(Architecture.AMD64, "s", GIB));
    assertEquals(10 * GIB, layout.sizeBytes());
  }

  @Test
  void defaultSizeIsTwiceLargeContentRoundedUpToMib() {
    long content = 6 * GIB + 12345;
    DiskLayout layout =
        DiskLayout.compute(LayoutRequest.defaults(Architecture.AMD64, "s", content));
    long twice = 2 * content;
    assertEquals((twice + MIB - 1) / MIB * MIB, layout.sizeBytes());
  }

  @Test
  void requestedSizeIsRoundedUpToMib() {
    DiskLayout layout =
        DiskLayout.compute(
            LayoutRequest.defaults(Architecture.AMD64, "s", GIB).withRequestedBytes(5 * GIB + 1));
    assertEquals(5 * GIB + MIB, layout.sizeBytes());
  }

  @Test
  void rootLeavesRoomForTheBackupGpt() {
    DiskLayout layout =
        DiskLayout.compute(
            LayoutRequest.defaults(Architecture.AMD64, "s", GIB).withRequestedBytes(4 * GIB));
    Partition root = layout.partition(PartitionRole.ROOT);
    long totalSectors = 4 * GIB / 512;
    assertEquals(totalSectors - 34, layout.lastUsableLba());
    assertTrue(root.endLba() <= layout.lastUsableLba());
    // Only the final MiB (which holds the backup GPT) is left over.
    assertEquals(totalSectors - 2048, root.endLba() + 1);
  }

  @Test
  void rejectsTooSmallRequestedSizeNamingTheMinimum() {
    LayoutRequest request =
        LayoutRequest.defaults(Architecture.AMD64, "s", 0).withRequestedBytes(2 * GIB);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DiskLayout.compute(request));
    // 1 MiB head + 1 MiB BIOS boot + 501 MiB ESP + 1024 MiB /boot + 1024 MiB root + 1 MiB tail.
    assertTrue(e.getMessage().contains("at least 2552 MiB"), e.getMessage());
    assertTrue(e.getMessage().contains("Hint:"), e.getMessage());
  }

  @Test
  void rejectsRequestedSizeSmallerThanTheContent() {
    LayoutRequest request =
        LayoutRequest.defaults(Architecture.ARM64, "s", 8 * GIB).withRequestedBytes(8 * GIB);
    assertThrows(IllegalArgumentException.class, () -> DiskLayout.compute(request));
  }

  @Test
  void aLowerMinimumAllowsTinyTestDisks() {
    DiskLayout layout =
        DiskLayout.compute(
            LayoutRequest.defaults(Architecture.AMD64, "s", 0)
                .withEspBytes(34 * MIB)
                .withBootBytes(8 * MIB)
                .withMinimumRootBytes(8 * MIB)
                .withRequestedBytes(64 * MIB));
    assertEquals(64 * MIB, layout.sizeBytes());
    // 64 - 1 (head) - 1 (BIOS boot) - 34 (ESP) - 8 (/boot) - 1 (backup GPT) = 19 MiB.
    assertEquals(19 * MIB, layout.partition(PartitionRole.ROOT).sizeBytes());
  }

  @Test
  void identifiersAreDeterministicPerSeedAndDistinctPerRole() {
    LayoutRequest request = LayoutRequest.defaults(Architecture.AMD64, "build-42", GIB);
    DiskLayout a = DiskLayout.compute(request);
    DiskLayout b = DiskLayout.compute(request);
    DiskLayout other =
        DiskLayout.compute(LayoutRequest.defaults(Architecture.AMD64, "build-43", GIB));
    assertEquals(a, b);
    assertNotEquals(a.diskGuid(), other.diskGuid());
    long distinct =
        a.partitions().stream().map(Partition::partitionGuid).distinct().count();
    assertEquals(4, distinct);
    assertNotEquals(
        a.partition(PartitionRole.BOOT).filesystemId(),
        a.partition(PartitionRole.ROOT).filesystemId());
    assertNull(a.partition(PartitionRole.BIOS_BOOT).filesystemId());
    String volumeId = a.partition(PartitionRole.ESP).filesystemId();
    assertTrue(volumeId.matches("[0-9A-F]{8}"), volumeId);
    assertEquals(
        volumeId.substring(0, 4) + "-" + volumeId.substring(4),
        a.partition(PartitionRole.ESP).fstabUuid());
    UUID root = UUID.fromString(a.partition(PartitionRole.ROOT).filesystemId());
    assertEquals(new BuildIds("build-42").uuid("fs:root"), root);
  }
}
