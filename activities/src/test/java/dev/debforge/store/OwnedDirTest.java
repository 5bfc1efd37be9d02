package dev.debforge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnedDirTest {

  @Test
  void onlyDeadDirectoriesWithThePrefixAreRemoved(@TempDir Path parent) throws Exception {
    Path dead = Files.createDirectory(parent.resolve("debforge-verify-dead"));
    Files.createFile(parent.resolve("debforge-verify-dead.lock"));
    Path someoneElses = Files.createDirectory(parent.resolve("other-tool-dir"));
    Files.createFile(parent.resolve("other-tool-dir.lock"));
    try (OwnedDir live = OwnedDir.create(parent, "debforge-verify-")) {
      assertEquals(List.of(dead), OwnedDir.removeStale(parent, "debforge-verify-"));
      assertTrue(Files.isDirectory(live.path()));
      assertTrue(Files.isDirectory(someoneElses));
      assertFalse(Files.exists(parent.resolve("debforge-verify-dead.lock")));
    }
  }

  @Test
  void closingRemovesTheDirectoryAndItsLockFile(@TempDir Path parent) throws Exception {
    OwnedDir owned = OwnedDir.create(parent, "x-");
    Files.writeString(owned.path().resolve("file"), "data");
    owned.close();
    try (var entries = Files.list(parent)) {
      assertEquals(0, entries.count());
    }
  }
}
