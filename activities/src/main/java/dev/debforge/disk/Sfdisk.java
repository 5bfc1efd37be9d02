package dev.debforge.disk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.plugin.ToolCall;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link DiskLayout} to a disk image file with util-linux's {@code sfdisk}, and reads
 * the table back ({@code sfdisk --json}) so the build can check what was written.
 *
 * <p>sfdisk writes the protective MBR, both GPT headers and entry arrays, and their CRCs. On a
 * regular file it needs {@code --no-reread --no-tell-kernel}: there is no kernel partition table
 * to refresh.
 */
public final class Sfdisk {

  public static final Duration TIMEOUT = Duration.ofMinutes(1);

  private static final ObjectMapper JSON = new ObjectMapper();

  private Sfdisk() {}

  /** The sfdisk input script for a layout; every start, size and identifier is fixed. */
  public static String script(DiskLayout layout) {
    StringBuilder out = new StringBuilder();
    out.append("label: gpt\n");
    out.append("label-id: ").append(layout.diskGuid()).append('\n');
    out.append("unit: sectors\n");
    out.append("sector-size: ").append(DiskLayout.SECTOR_SIZE).append('\n');
    out.append("first-lba: ").append(DiskLayout.FIRST_USABLE_LBA).append('\n');
    out.append("last-lba: ").append(layout.lastUsableLba()).append('\n');
    out.append('\n');
    for (Partition p : layout.partitions()) {
      out.append("start=").append(p.startLba())
          .append(", size=").append(p.sizeSectors())
          .append(", type=").append(p.typeGuid())
          .append(", uuid=").append(p.partitionGuid())
          .append(", name=\"").append(p.name()).append("\"\n");
    }
    return out.toString();
  }

  /**
   * Writes the partition table: the caller writes {@link #script} to {@code scriptFile}, which
   * is fed to standard input.
   */
  public static ToolCall write(Path disk, Path scriptFile) {
    return ToolCall.of(
            List.of("sfdisk", "--no-reread", "--no-tell-kernel", "--quiet", disk.toString()),
            TIMEOUT)
        .withStdin(scriptFile);
  }

  /** Dumps the partition table as JSON on standard output; see {@link #parse}. */
  public static ToolCall dumpJson(Path disk) {
    return ToolCall.of(List.of("sfdisk", "--json", disk.toString()), TIMEOUT);
  }

  /** A partition table as {@code sfdisk --json} reports it; GUIDs are upper case. */
  public record Table(
      String label,
      String id,
      String unit,
      long firstLba,
      long lastLba,
      int sectorSize,
      List<Entry> partitions) {
    public Table {
      partitions = List.copyOf(partitions);
    }
  }

  /** One partition as {@code sfdisk --json} reports it; the name is empty when it has none. */
  public record Entry(String node, long start, long size, String type, String uuid, String name) {}

  /** Parses the output of {@code sfdisk --json DISK}. */
  public static Table parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("sfdisk --json printed something that is not JSON", e);
    }
    JsonNode table = root == null ? null : root.get("partitiontable");
    if (table == null || !table.isObject()) {
      throw new IllegalArgumentException("sfdisk --json output has no \"partitiontable\" object");
    }
    List<Entry> entries = new ArrayList<>();
    for (JsonNode p : table.path("partitions")) {
      entries.add(
          new Entry(
              p.path("node").asText(""),
              p.path("start").asLong(),
              p.path("size").asLong(),
              upper(p.path("type").asText("")),
              upper(p.path("uuid").asText("")),
              p.path("name").asText("")));
    }
    return new Table(
        table.path("label").asText(""),
        upper(table.path("id").asText("")),
        table.path("unit").asText(""),
        table.path("firstlba").asLong(),
        table.path("lastlba").asLong(),
        table.path("sectorsize").asInt(DiskLayout.SECTOR_SIZE),
        entries);
  }

  /**
   * Compares a table read back from the disk with the layout that was written.
   *
   * @return one line per difference; empty when they agree
   */
  public static List<String> differences(DiskLayout layout, Table table) {
    List<String> diffs = new ArrayList<>();
    expect(diffs, "label", "gpt", table.label());
    expect(diffs, "disk GUID", layout.diskGuid(), table.id());
    expect(diffs, "sector size", DiskLayout.SECTOR_SIZE, table.sectorSize());
    expect(diffs, "first usable LBA", DiskLayout.FIRST_USABLE_LBA, table.firstLba());
    expect(diffs, "last usable LBA", layout.lastUsableLba(), table.lastLba());
    if (layout.partitions().size() != table.partitions().size()) {
      diffs.add(
          "partition count: expected " + layout.partitions().size() + ", found "
              + table.partitions().size());
      return diffs;
    }
    for (int i = 0; i < layout.partitions().size(); i++) {
      Partition want = layout.partitions().get(i);
      Entry got = table.partitions().get(i);
      String where = "partition " + want.number() + " (" + want.name() + ") ";
      expect(diffs, where + "start", want.startLba(), got.start());
      expect(diffs, where + "size", want.sizeSectors(), got.size());
      expect(diffs, where + "type", want.typeGuid(), got.type());
      expect(diffs, where + "GUID", want.partitionGuid(), got.uuid());
      expect(diffs, where + "name", want.name(), got.name());
    }
    return diffs;
  }

  private static void expect(List<String> diffs, String what, Object want, Object got) {
    if (!want.equals(got)) {
      diffs.add(what + ": expected " + want + ", found " + got);
    }
  }

  private static String upper(String text) {
    return text.toUpperCase(Locale.ROOT);
  }
}
