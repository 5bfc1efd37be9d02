package dev.debforge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.store.StoreUsage.ObjectEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreGcTest {

  private static final Instant NOW = Instant.now();
  private static final String OLD = "000000000000000000000000000000aa";
  private static final String MIDDLE = "000000000000000000000000000000bb";
  private static final String NEW = "000000000000000000000000000000cc";

  @TempDir Path dir;
  private Store store;

  @BeforeEach
  void threeObjectsUsedTenFiveAndOneDaysAgo() throws Exception {
    store = new Store(dir);
    object(OLD, "debootstrap", 10, 3);
    object(MIDDLE, "ostree-commit", 5, 2);
    object(NEW, "partition", 1, 1);
  }

  private void object(String key, String stage, int daysAgo, int mebibytes) throws Exception {
    StoreObjects.object(store, key, stage, NOW.minus(Duration.ofDays(daysAgo)), mebibytes);
  }

  private boolean present(String key) {
    return Files.isDirectory(dir.resolve("objects").resolve(key));
  }

  private static List<String> keys(List<ObjectEntry> entries) {
    return entries.stream().map(ObjectEntry::key).toList();
  }

  @Test
  void duCountsEachStageAndAge() throws Exception {
    StoreUsage usage = StoreUsage.measure(store);
    assertEquals(List.of(NEW, MIDDLE, OLD), keys(usage.objects()), "most recently used first");
    assertEquals(List.of("debootstrap", "ostree-commit", "partition"),
        List.copyOf(usage.byStage().keySet()), "largest first");
    assertTrue(usage.byStage().get("debootstrap").bytes() >= 3 * 1024 * 1024);
    Map<String, StoreUsage.Total> byAge = usage.byAge(NOW);
    assertEquals(2, byAge.get("1-7 days").objects(), "used 1 and 5 days ago");
    assertEquals(1, byAge.get("7-30 days").objects());
    assertEquals(0, byAge.get("under 1 day").objects());
  }

  @Test
  void olderThanRemovesOnlyObjectsUnusedSinceThen() throws Exception {
    StoreGc.Result result =
        new StoreGc(store).collect(new StoreGc.Policy(Duration.ofDays(7), null, null, false,
            false), NOW);
    assertEquals(List.of(OLD), keys(result.removed()));
    assertFalse(present(OLD));
    assertTrue(present(MIDDLE) && present(NEW));
    try (Stream<Path> trash = Files.list(dir.resolve("trash"))) {
      assertEquals(0, trash.count(), "the removed object passes through trash/ and is gone");
    }
  }

  @Test
  void aBudgetRemovesLeastRecentlyUsedFirstUntilItFits() throws Exception {
    StoreUsage usage = StoreUsage.measure(store);
    long newest = usage.objects().get(0).bytes();
    long middle = usage.objects().get(1).bytes();
    StoreGc.Result result =
        new StoreGc(store).collect(
            new StoreGc.Policy(null, newest + middle, null, false, false), NOW);
    assertEquals(List.of(OLD), keys(result.removed()), "the oldest alone frees enough");
    assertEquals(newest + middle, result.objectBytesAfter());

    result = new StoreGc(store).collect(new StoreGc.Policy(null, newest, null, false, false), NOW);
    assertEquals(List.of(MIDDLE), keys(result.removed()));
    assertTrue(present(NEW));
  }

  @Test
  void aDryRunReportsWithoutRemoving() throws Exception {
    StoreGc.Result result =
        new StoreGc(store).collect(new StoreGc.Policy(null, null, null, true, true), NOW);
    assertEquals(List.of(OLD, MIDDLE, NEW), keys(result.removed()), "oldest first");
    assertTrue(result.dryRun());
    assertTrue(present(OLD) && present(MIDDLE) && present(NEW));
    assertTrue(result.freedBytes() >= 6 * 1024 * 1024);
  }

  @Test
  void withoutOptionsObjectsUnusedForAWeekGo() throws Exception {
    StoreGc.Result result =
        new StoreGc(store).collect(new StoreGc.Policy(null, null, null, false, false), NOW);
    assertEquals(List.of(OLD), keys(result.removed()));
  }

  @Test
  void keepBuildsProtectsWhatTheLastBuildsUsed() throws Exception {
    store.recordUse("build-1", OLD);
    store.recordUse("build-1", MIDDLE);
    store.recordUse("build-2", OLD);
    Path older = dir.resolve("logs/build-1/used-objects");
    Files.setLastModifiedTime(older, FileTime.from(NOW.minus(Duration.ofDays(2))));

    StoreGc.Result result =
        new StoreGc(store).collect(new StoreGc.Policy(null, null, 1, false, false), NOW);
    assertEquals(List.of(MIDDLE, NEW), keys(result.removed()), "build-2 used only " + OLD);
    assertTrue(present(OLD));
  }

  @Test
  void anObjectABuildHoldsSurvivesEvenAll() throws Exception {
    Process other = StoreHolder.start("use", dir, OLD);
    try (Store.Use here = store.use(MIDDLE).orElseThrow()) {
      StoreGc.Result result =
          new StoreGc(store).collect(new StoreGc.Policy(null, null, null, true, false), NOW);
      assertEquals(List.of(NEW), keys(result.removed()));
      assertEquals(List.of(OLD, MIDDLE), keys(result.inUse()));
      assertTrue(present(OLD), "held by another process");
      assertTrue(Files.isRegularFile(here.object().data().resolve("blob")), "held here");
    } finally {
      other.destroyForcibly();
      other.waitFor(10, TimeUnit.SECONDS);
    }
    StoreGc.Result after =
        new StoreGc(store).collect(new StoreGc.Policy(null, null, null, true, false), NOW);
    assertEquals(List.of(OLD, MIDDLE), keys(after.removed()), "released, they go");
  }

  @Test
  void logsOlderThanTheAgeGoWithTheirBuilds() throws Exception {
    Path oldLog = Files.writeString(Files.createDirectories(dir.resolve("logs/old")).resolve(
        "debootstrap.log"), "line\n");
    Files.setLastModifiedTime(oldLog, FileTime.from(NOW.minus(Duration.ofDays(30))));
    Files.setLastModifiedTime(oldLog.getParent(), FileTime.from(NOW.minus(Duration.ofDays(30))));
    Files.writeString(Files.createDirectories(dir.resolve("logs/recent")).resolve(
        "debootstrap.log"), "line\n");

    StoreGc.Result result =
        new StoreGc(store).collect(new StoreGc.Policy(Duration.ofDays(7), null, null, false,
            false), NOW);
    assertEquals(List.of("old"), result.logsRemoved());
    assertFalse(Files.exists(dir.resolve("logs/old")));
    assertTrue(Files.exists(dir.resolve("logs/recent")));
  }

  @Test
  void leftoversInTrashAreRemovedAtTheNextRun() throws Exception {
    Path leftover = Files.createDirectories(dir.resolve("trash").resolve(OLD + ".x/data"));
    Files.writeString(leftover.resolve("file"), "half deleted");
    new StoreGc(store).collect(new StoreGc.Policy(Duration.ofDays(365), null, null, false, false),
        NOW);
    try (Stream<Path> trash = Files.list(dir.resolve("trash"))) {
      assertEquals(0, trash.count());
    }
  }
}
