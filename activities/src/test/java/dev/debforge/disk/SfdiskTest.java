package dev.debforge.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SfdiskTest {

  private static final long MIB = LayoutRequest.MIB;

  private static DiskLayout tiny() {
    return DiskLayout.compute(
        LayoutRequest.defaults(Architecture.AMD64, "seed", 0)
            .withEspBytes(34 * MIB)
            .withBootBytes(8 * MIB)
            .withMinimumRootBytes(8 * MIB)
            .withRequestedBytes(64 * MIB));
  }

  @Test
  void scriptFixesEveryStartSizeTypeAndIdentifier() {
    DiskLayout layout = tiny();
    String script = Sfdisk.script(layout);
    Partition esp = layout.partition(PartitionRole.ESP);
    assertTrue(script.startsWith("label: gpt\nlabel-id: " + layout.diskGuid() + "\n"), script);
    assertTrue(script.contains("unit: sectors\n"), script);
    assertTrue(script.contains("first-lba: 34\n"), script);
    assertTrue(script.contains("last-lba: " + (64 * MIB / 512 - 34) + "\n"), script);
    assertTrue(
        script.contains(
            "start=4096, size=69632, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid="
                + esp.partitionGuid() + ", name=\"EFI-SYSTEM\"\n"),
        script);
    assertEquals(4, script.lines().filter(l -> l.startsWith("start=")).count());
  }

  @Test
  void writeFeedsTheScriptOnStdinWithoutTouchingTheKernel() {
    ToolCall call = Sfdisk.write(Path.of("disk.raw"), Path.of("table.sfdisk"));
    assertEquals(
        List.of("sfdisk", "--no-reread", "--no-tell-kernel", "--quiet", "disk.raw"), call.argv());
    assertEquals(Path.of("table.sfdisk"), call.stdin());
  }

  @Test
  void dumpJsonArgv() {
    assertEquals(List.of("sfdisk", "--json", "d.raw"), Sfdisk.dumpJson(Path.of("d.raw")).argv());
  }

  @Test
  void parsesJsonAndAgreesWithTheLayoutItCameFrom() {
    DiskLayout layout = tiny();
    Sfdisk.Table table = Sfdisk.parse(jsonFor(layout, layout.diskGuid().toLowerCase()));
    assertEquals("gpt", table.label());
    assertEquals(4, table.partitions().size());
    assertEquals("disk.raw1", table.partitions().get(0).node());
    assertEquals(List.of(), Sfdisk.differences(layout, table));
  }

  @Test
  void reportsADifferentDiskGuidAndPartitionStart() {
    DiskLayout layout = tiny();
    String json =
        jsonFor(layout, "00000000-0000-0000-0000-000000000000")
            .replace("\"start\": 4096", "\"start\": 4097");
    List<String> diffs = Sfdisk.differences(layout, Sfdisk.parse(json));
    assertEquals(2, diffs.size(), diffs.toString());
    assertTrue(diffs.get(0).startsWith("disk GUID"), diffs.toString());
    assertTrue(diffs.get(1).startsWith("partition 2 (EFI-SYSTEM) start"), diffs.toString());
  }

  @Test
  void rejectsOutputWithoutAPartitionTable() {
    assertThrows(IllegalArgumentException.class, () -> Sfdisk.parse("{\"x\": 1}"));
    assertThrows(IllegalArgumentException.class, () -> Sfdisk.parse("not json"));
  }

  /** The shape util-linux 2.38 prints, with GUIDs in sfdisk's case. */
  static String jsonFor(DiskLayout layout, String diskId) {
    StringBuilder parts = new StringBuilder();
    for (Partition p : layout.partitions()) {
      if (parts.length() > 0) {
        parts.append(",\n");
      }
      parts.append(
          String.format(
              "{\"node\": \"disk.raw%d\", \"start\": %d, \"size\": %d, \"type\": \"%s\","
                  + " \"uuid\": \"%s\", \"name\": \"%s\"}",
              p.number(), p.startLba(), p.sizeSectors(), p.typeGuid(), p.partitionGuid(),
              p.name()));
    }
    return String.format(
        "{\"partitiontable\": {\"label\": \"gpt\", \"id\": \"%s\", \"device\": \"disk.raw\","
            + " \"unit\": \"sectors\", \"firstlba\": 34, \"lastlba\": %d, \"sectorsize\": 512,"
            + " \"partitions\": [%s]}}",
        diskId, layout.lastUsableLba(), parts);
  }
}
