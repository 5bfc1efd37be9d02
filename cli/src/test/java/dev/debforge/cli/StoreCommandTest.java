package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCommandTest {

  private static final String OLD = "00000000000000000000000000000001";
  private static final String NEW = "00000000000000000000000000000002";

  @TempDir Path dir;

  private void object(String key, String stage, int daysAgo) throws Exception {
    Store store = new Store(dir);
    try (Store.Pending pending = store.begin(key)) {
      Files.write(pending.data().resolve("blob"), new byte[256 * 1024]);
      pending.commit(stage, Map.of());
    }
    Files.setLastModifiedTime(dir.resolve("objects").resolve(key).resolve("meta.json"),
        FileTime.from(Instant.now().minus(Duration.ofDays(daysAgo))));
  }

  @Test
  void duReportsObjectsByStageAndLastUse() throws Exception {
    object(OLD, "debootstrap", 10);
    object(NEW, "partition", 0);
    CliRun run = CliRun.of("store", "du", "--json", "--store", dir.toString());
    assertEquals(0, run.exitCode(), run.err());
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertEquals(2, json.at("/objects/objects").asInt());
    assertEquals(1, json.at("/byStage/debootstrap/objects").asInt());
    assertEquals(1, json.at("/byLastUse/7-30 days/objects").asInt());
    assertEquals(1, json.at("/byLastUse/under 1 day/objects").asInt());
    assertTrue(json.at("/totalBytes").asLong() >= 512 * 1024);
  }

  @Test
  void gcDryRunNamesWhatWouldGoAndKeepsIt() throws Exception {
    object(OLD, "debootstrap", 10);
    object(NEW, "partition", 0);
    CliRun run = CliRun.of("store", "gc", "--older-than", "7d", "--dry-run", "--store",
        dir.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("would remove 1 object"), run.out());
    assertTrue(run.out().contains("debootstrap"), run.out());
    assertTrue(Files.isDirectory(dir.resolve("objects").resolve(OLD)));

    run = CliRun.of("store", "gc", "--older-than", "7d", "--json", "--store", dir.toString());
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertEquals(OLD, json.at("/removed/0/key").asText());
    assertEquals(1, json.at("/removed").size());
    assertFalse(Files.exists(dir.resolve("objects").resolve(OLD)));
    assertTrue(Files.isDirectory(dir.resolve("objects").resolve(NEW)));
  }

  @Test
  void allTakesNoOtherLimit() {
    CliRun run = CliRun.of("store", "gc", "--all", "--older-than", "7d", "--store",
        dir.toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--all removes every object"), run.err());
  }

  @Test
  void aMissingStoreIsNamed() {
    CliRun run = CliRun.of("store", "du", "--store", dir.resolve("none").toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("no store at " + dir.resolve("none")), run.err());
  }

  @Test
  void agesAndSizesAreRead() {
    assertEquals(Duration.ofDays(14), StoreCommand.age("2w"));
    assertEquals(Duration.ofMinutes(90), StoreCommand.age("90m"));
    assertEquals(50L * 1024 * 1024 * 1024, StoreCommand.size("50G"));
    assertEquals(1536L * 1024 * 1024, StoreCommand.size("1.5GiB"));
    assertEquals(4096L, StoreCommand.size("4096"));
    assertThrows(UserError.class, () -> StoreCommand.age("7 days"));
    assertThrows(UserError.class, () -> StoreCommand.size("-1G"));
    assertEquals("1.5 KiB", StoreCommand.human(1536));
  }
}
