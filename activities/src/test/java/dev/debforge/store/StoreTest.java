package dev.debforge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {

  private static final String KEY = "0123456789abcdef0123456789abcdef";

  @Test
  void committedObjectIsFoundWithItsFacts(@TempDir Path dir) throws Exception {
    Store store = new Store(dir);
    try (Store.Pending pending = store.begin(KEY)) {
      Files.writeString(pending.data().resolve("file"), "content");
      pending.commit("test", Map.of("kernel", "6.1"));
    }
    StoredObject object = store.lookup(KEY).orElseThrow();
    assertEquals("content", Files.readString(object.data().resolve("file")));
    assertEquals(Map.of("kernel", "6.1"), object.facts());
  }

  @Test
  void failedStepLeavesNothingBehind(@TempDir Path dir) throws Exception {
    Store store = new Store(dir);
    try (Store.Pending pending = store.begin(KEY)) {
      Files.writeString(pending.data().resolve("half"), "written");
      Files.writeString(pending.scratch().resolve("tmp"), "scratch");
      // No commit: the step failed.
    }
    assertTrue(store.lookup(KEY).isEmpty());
    try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
      assertEquals(0, tmp.count());
    }
  }

  @Test
  void secondWriterOfTheSameKeyKeepsTheFirstObject(@TempDir Path dir) throws Exception {
    Store store = new Store(dir);
    Store.Pending first = store.begin(KEY);
    Store.Pending second = store.begin(KEY);
    Files.writeString(first.data().resolve("who"), "first");
    Files.writeString(second.data().resolve("who"), "second");
    first.commit("test", Map.of());
    second.commit("test", Map.of());
    first.close();
    second.close();
    assertEquals("first", Files.readString(store.lookup(KEY).orElseThrow().data().resolve("who")));
    try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
      assertEquals(0, tmp.count());
    }
  }

  @Test
  void scratchIsNotPartOfTheObject(@TempDir Path dir) throws Exception {
    Store store = new Store(dir);
    try (Store.Pending pending = store.begin(KEY)) {
      Files.writeString(pending.scratch().resolve("big.tar"), "x");
      pending.commit("test", Map.of());
    }
    assertFalse(Files.exists(dir.resolve("objects").resolve(KEY).resolve("scratch")));
  }

  @Test
  void stalePendingObjectsOfDeadOwnersGoAndLiveOnesStay(@TempDir Path dir) throws Exception {
    Store store = new Store(dir);
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    // A SIGKILLed owner: its directory and lock file stay, but the kernel dropped its lock.
    Path dead = Files.createDirectories(tmp.resolve(KEY + ".dead").resolve("data"));
    Files.write(dead.resolve("big"), new byte[4096]);
    Files.createFile(tmp.resolve(KEY + ".dead.lock"));
    // Left by a debforge from before the lock files, untouched for two hours.
    Path legacy = Files.createDirectories(tmp.resolve(KEY + ".legacy").resolve("data"));
    FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
    Files.setLastModifiedTime(legacy, twoHoursAgo);
    Files.setLastModifiedTime(legacy.getParent(), twoHoursAgo);
    // Being written by such a debforge right now: no lock file, but fresh.
    Path older = Files.createDirectories(tmp.resolve(KEY + ".older-version").resolve("data"));
    Process other = StoreHolder.start("begin", dir, KEY);
    try (Store.Pending here = store.begin(KEY)) {
      List<Path> removed = store.removeStale();

      assertEquals(Set.of(dead.getParent(), legacy.getParent()), Set.copyOf(removed));
      assertFalse(Files.exists(dead.getParent()));
      assertFalse(Files.exists(tmp.resolve(KEY + ".dead.lock")));
      assertTrue(Files.isDirectory(here.data()), "this process's pending object must stay");
      assertTrue(Files.isDirectory(older), "a lockless directory still written to must stay");
      try (Stream<Path> entries = Files.list(tmp)) {
        assertEquals(5, entries.count(), "both live pending objects and their locks stay");
      }
    } finally {
      other.destroyForcibly();
      other.waitFor(10, TimeUnit.SECONDS);
    }
    // The other process is dead now (SIGKILL, no hook): its pending object is stale.
    assertEquals(1, store.removeStale().size());
    try (Stream<Path> entries = Files.list(tmp)) {
      assertEquals(List.of(older.getParent()), entries.toList());
    }
  }

  @Test
  void sigtermRemovesTheOwnersPendingObject(@TempDir Path dir) throws Exception {
    Process other = StoreHolder.start("begin", dir, KEY);
    try (Stream<Path> entries = Files.list(dir.resolve("tmp"))) {
      assertEquals(2, entries.count(), "a pending directory and its lock file");
    }
    other.destroy(); // SIGTERM
    assertTrue(other.waitFor(30, TimeUnit.SECONDS));
    try (Stream<Path> entries = Files.list(dir.resolve("tmp"))) {
      assertEquals(List.of(), entries.toList(), "the shutdown hook removes the partial object");
    }
  }

  @Test
  void lookupMarksTheObjectUsed(@TempDir Path dir) throws Exception {
    Store store = new Store(dir);
    try (Store.Pending pending = store.begin(KEY)) {
      pending.commit("test", Map.of());
    }
    Path meta = dir.resolve("objects").resolve(KEY).resolve("meta.json");
    Files.setLastModifiedTime(meta, FileTime.from(Instant.now().minus(Duration.ofDays(9))));
    store.lookup(KEY);
    assertTrue(
        Files.getLastModifiedTime(meta).toInstant().isAfter(Instant.now().minusSeconds(60)));
  }
}
