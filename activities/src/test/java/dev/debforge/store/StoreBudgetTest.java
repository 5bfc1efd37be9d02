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
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreBudgetTest {

  private static final long MIB = 1024 * 1024;
  private static final Instant NOW = Instant.now();
  private static final String OLD = "000000000000000000000000000000aa";
  private static final String MIDDLE = "000000000000000000000000000000bb";
  private static final String NEW = "000000000000000000000000000000cc";

  @TempDir Path dir;
  private Store store;

  @BeforeEach
  void threeObjectsOfThreeTwoAndOneMebibytesUsedTenFiveAndOneDaysAgo() throws Exception {
    store = new Store(dir);
    object(OLD, 10, 3);
    object(MIDDLE, 5, 2);
    object(NEW, 1, 1);
  }

  private void object(String key, int daysAgo, int mebibytes) throws Exception {
    StoreObjects.object(store, key, "partition", NOW.minus(Duration.ofDays(daysAgo)), mebibytes);
  }

  private boolean present(String key) {
    return Files.isDirectory(dir.resolve("objects").resolve(key));
  }

  private static List<String> keys(List<ObjectEntry> entries) {
    return entries.stream().map(ObjectEntry::key).toList();
  }

  @Test
  void aStoreWithinItsBudgetKeepsEverythingAndRemembersEachSize() throws Exception {
    StoreBudget.Trimmed trimmed = new StoreBudget(store, 10 * MIB).trim(Set.of());
    assertTrue(trimmed.removed().isEmpty());
    assertTrue(present(OLD) && present(MIDDLE) && present(NEW));
    assertTrue(trimmed.bytesBefore() >= 6 * MIB && trimmed.bytesBefore() < 7 * MIB,
        "du's count of three objects of 3, 2 and 1 MiB: " + trimmed.bytesBefore());
    long old = Long.parseLong(
        Files.readString(dir.resolve("objects").resolve(OLD).resolve("size")).strip());
    assertTrue(old >= 3 * MIB && old < 4 * MIB, "the old object's recorded size: " + old);
  }

  @Test
  void overItsBudgetTheLeastRecentlyUsedGoUntilTheRestFits() throws Exception {
    StoreBudget.Trimmed trimmed = new StoreBudget(store, 4 * MIB).trim(Set.of());
    assertEquals(List.of(OLD), keys(trimmed.removed()), "3 MiB freed of 6 fit 4 MiB");
    assertFalse(present(OLD));
    assertTrue(present(MIDDLE) && present(NEW));
    assertTrue(trimmed.bytesAfter() <= 4 * MIB);
    assertEquals(trimmed.bytesBefore() - trimmed.bytesAfter(), trimmed.freedBytes());
  }

  @Test
  void theRunningBuildsObjectsStayEvenWhenOlder() throws Exception {
    StoreBudget.Trimmed trimmed = new StoreBudget(store, (long) (3.5 * MIB)).trim(Set.of(OLD));
    assertEquals(List.of(MIDDLE, NEW), keys(trimmed.removed()), "oldest first, OLD kept");
    assertTrue(present(OLD));
    assertTrue(trimmed.bytesAfter() <= (long) (3.5 * MIB));
  }

  @Test
  void anObjectAStepReadsIsSkipped() throws Exception {
    try (Store.Use reading = store.use(OLD).orElseThrow()) {
      // lookup marked OLD as used now: make it the oldest again, as a long step would leave it.
      Files.setLastModifiedTime(dir.resolve("objects").resolve(OLD).resolve("meta.json"),
          FileTime.from(NOW.minus(Duration.ofDays(10))));
      StoreBudget.Trimmed trimmed = new StoreBudget(store, 4 * MIB).trim(Set.of());
      assertTrue(present(OLD), "held by a reader");
      assertEquals(List.of(MIDDLE, NEW), keys(trimmed.removed()));
      assertTrue(trimmed.bytesAfter() > 3 * MIB, "what is held may stay over the budget");
    }
  }

  @Test
  void aRecordedSizeIsNotMeasuredAgain() throws Exception {
    StoreBudget budget = new StoreBudget(store, 10 * MIB);
    budget.trim(Set.of());
    // A size written once is what the budget counts after every step; measuring the whole
    // store each time would cost seconds a step on a store of real images.
    Files.writeString(dir.resolve("objects").resolve(NEW).resolve("size"), 20 * MIB + "\n");
    StoreBudget.Trimmed trimmed = budget.trim(Set.of());
    assertEquals(List.of(OLD, MIDDLE, NEW), keys(trimmed.removed()),
        "over the budget by NEW's recorded 20 MiB, everything goes, oldest first");
  }

  @Test
  void anObjectThatTookLongToMakeOutlivesNewerCheapOnes() throws Exception {
    // OLD took 90 s to make (a debootstrap) and was used an hour ago: it counts as used half an
    // hour from now, after MIDDLE and NEW, used minutes ago but made in a second or two.
    Files.setLastModifiedTime(dir.resolve("objects").resolve(OLD).resolve("meta.json"),
        FileTime.from(NOW.minus(Duration.ofHours(1))));
    Files.setLastModifiedTime(dir.resolve("objects").resolve(MIDDLE).resolve("meta.json"),
        FileTime.from(NOW.minus(Duration.ofMinutes(10))));
    Files.setLastModifiedTime(dir.resolve("objects").resolve(NEW).resolve("meta.json"),
        FileTime.from(NOW.minus(Duration.ofMinutes(5))));
    StoreBudget.recordCost(store, OLD, 90.0);
    StoreBudget.recordCost(store, MIDDLE, 0.5);
    StoreBudget.recordCost(store, NEW, 2.0);
    StoreBudget.Trimmed trimmed = new StoreBudget(store, 4 * MIB).trim(Set.of());
    assertEquals(List.of(MIDDLE, NEW), keys(trimmed.removed()),
        "90 s of work count as 90 minutes of use: the two cheap ones go first");
    assertTrue(present(OLD));
  }

  @Test
  void theBuildsUsedObjectsAreReadFromItsLog() throws Exception {
    store.recordUse("build-1", OLD);
    store.recordUse("build-1", NEW);
    store.recordUse("build-1", OLD);
    assertEquals(Set.of(OLD, NEW), store.usedBy("build-1"));
    assertEquals(Set.of(), store.usedBy("build-2"));
  }
}
