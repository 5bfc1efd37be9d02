package dev.debforge.stage.publishostree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory checks, on directories made by the test: no ostree runs. */
class ArchiveRepositoryTest {

  @TempDir Path dir;

  private Path repository(String mode) throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.createDirectories(repo.resolve("objects"));
    Files.writeString(repo.resolve("config"), "[core]\nrepo_version=1\nmode=" + mode + "\n");
    return repo;
  }

  @Test
  void aMissingDirectoryIsCreated() throws Exception {
    assertTrue(ArchiveRepository.needsInit(dir.resolve("new")));
  }

  @Test
  void anEmptyDirectoryIsCreated() throws Exception {
    assertTrue(ArchiveRepository.needsInit(Files.createDirectories(dir.resolve("empty"))));
  }

  @Test
  void anArchiveRepositoryIsAddedTo() throws Exception {
    assertFalse(ArchiveRepository.needsInit(repository("archive-z2")));
  }

  @Test
  void aBareRepositoryIsRefusedNamingItsMode() throws Exception {
    Path repo = repository("bare");
    BadInputException e =
        assertThrows(BadInputException.class, () -> ArchiveRepository.needsInit(repo));
    assertTrue(e.getMessage().startsWith(repo + " is an OSTree repository in bare mode"),
        e.getMessage());
    assertTrue(e.getMessage().contains("\nHint: "), e.getMessage());
  }

  @Test
  void aDirectoryWithOtherFilesIsRefusedNamingIt() throws Exception {
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve("notes.txt"), "mine");
    BadInputException e =
        assertThrows(BadInputException.class, () -> ArchiveRepository.needsInit(other));
    assertTrue(e.getMessage().startsWith(other + " is not empty and is not an OSTree repository"),
        e.getMessage());
  }

  @Test
  void aFileIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    BadInputException e =
        assertThrows(BadInputException.class, () -> ArchiveRepository.needsInit(file));
    assertTrue(e.getMessage().startsWith(file + " is not a directory"), e.getMessage());
  }

  @Test
  void theModeIsReadFromTheCoreGroupOnly() {
    assertEquals("archive-z2", ArchiveRepository.mode(List.of("[core]", "mode = archive-z2")));
    assertEquals(
        "bare-user",
        ArchiveRepository.mode(
            List.of("[remote \"x\"]", "mode=archive", "[core]", "modes=1", "mode=bare-user")));
  }

  @Test
  void aConfigWithoutModeIsBareAsOstreeReadsIt() {
    assertEquals("bare", ArchiveRepository.mode(List.of("[core]", "repo_version=1")));
  }
}
