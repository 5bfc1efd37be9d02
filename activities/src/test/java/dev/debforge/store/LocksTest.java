package dev.debforge.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A removal in one thread (the size limit, after a step) and a step reading the same object in
 * another thread of the worker: the reader waits for the removal, then finds the object or not,
 * and never reads one being moved away.
 */
class LocksTest {

  @TempDir Path dir;

  private static CompletableFuture<Locks.Lease> sharedLater(Path file) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return Locks.shared(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  @Test
  void aSharedLockWaitsForThisProcesssExclusiveOne() throws Exception {
    Path file = Files.createDirectories(dir.resolve("objects/a")).resolve("lock");
    Locks.Lease exclusive = Locks.tryExclusive(file).orElseThrow();
    CompletableFuture<Locks.Lease> shared = sharedLater(file);
    Thread.sleep(300);
    assertFalse(shared.isDone(), "the reader waits while the object is being removed");
    exclusive.close();
    shared.get(10, TimeUnit.SECONDS).close();
  }

  @Test
  void aReaderOfAnObjectRemovedMeanwhileFindsItGone() throws Exception {
    Path object = Files.createDirectories(dir.resolve("objects/b"));
    Path file = object.resolve("lock");
    Locks.Lease exclusive = Locks.tryExclusive(file).orElseThrow();
    CompletableFuture<Locks.Lease> shared = sharedLater(file);
    Thread.sleep(300);
    Files.move(object, Files.createDirectories(dir.resolve("trash")).resolve("b"));
    exclusive.close();

    ExecutionException e =
        assertThrows(ExecutionException.class, () -> shared.get(10, TimeUnit.SECONDS));
    assertInstanceOf(NoSuchFileException.class, e.getCause().getCause());
  }
}
