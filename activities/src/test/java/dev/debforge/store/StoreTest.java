package dev.debforge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
}
