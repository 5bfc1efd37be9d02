package dev.debforge.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A temporary directory that says whether its owner still runs: beside {@code NAME/} lies
 * {@code NAME.lock}, locked by the owning process for as long as the directory is in use. The
 * kernel drops the lock when the owner dies, however it dies, so a directory whose lock can be
 * taken is stale and {@link #removeStale} may remove it; one whose owner runs is never touched.
 *
 * <p>The owner creates and locks the lock file before the directory, and checks after locking
 * that no cleaner removed the file meanwhile; a cleaner removes the directory before the lock
 * file, holding the lock. So a directory without its lock file has no live owner of this
 * version; it is removed once nothing in it changed for {@link #LOCKLESS_QUIET}, since a
 * debforge from before the lock files may still be writing it.
 */
public final class OwnedDir implements AutoCloseable {

  private static final String LOCK_SUFFIX = ".lock";
  private static final int ATTEMPTS = 5;

  /** How long a directory without a lock file must be untouched before it counts as dead. */
  static final Duration LOCKLESS_QUIET = Duration.ofHours(1);

  private final Path dir;
  private final Locks.Lease lease;

  private OwnedDir(Path dir, Locks.Lease lease) {
    this.dir = dir;
    this.lease = lease;
  }

  /** Creates {@code parent/PREFIX.RANDOM/}, owned by this process until closed. */
  public static OwnedDir create(Path parent, String prefix) throws IOException {
    Files.createDirectories(parent);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Path dir = parent.resolve(prefix + UUID.randomUUID());
      Path lockFile = lockFileOf(dir);
      Optional<Locks.Lease> lease = Locks.tryExclusive(lockFile);
      if (lease.isEmpty()) {
        continue; // a cleaner holds this fresh name's lock for a moment: take another name
      }
      if (!Files.exists(lockFile)) {
        // A cleaner locked and removed the file before this process locked it: the lock held
        // is on a deleted file and protects nothing.
        lease.get().close();
        continue;
      }
      try {
        Files.createDirectory(dir);
      } catch (IOException e) {
        lease.get().close();
        Files.deleteIfExists(lockFile);
        throw e;
      }
      return new OwnedDir(dir, lease.get());
    }
    throw new IOException("cannot create a locked directory in " + parent
        + "\nHint: check that it is writable and that nothing else removes what is in it");
  }

  public Path path() {
    return dir;
  }

  /** Removes the directory (immutable files included) and its lock file, then unlocks. */
  @Override
  public void close() throws IOException {
    try {
      delete();
    } finally {
      lease.close();
    }
  }

  /** Removes the directory and its lock file but keeps the lock, as a shutdown hook does. */
  public void delete() throws IOException {
    Trees.delete(dir);
    Files.deleteIfExists(lockFileOf(dir));
  }

  /** Unlocks without removing: the directory has been moved away whole. */
  void release() throws IOException {
    try {
      Files.deleteIfExists(lockFileOf(dir));
    } finally {
      lease.close();
    }
  }

  /**
   * Removes the directories of {@code parent} named {@code PREFIX…} whose owner is dead, and their
   * lock files. One this user may not remove is left for its owner to clean.
   *
   * @return the directories removed
   */
  public static List<Path> removeStale(Path parent, String prefix) throws IOException {
    List<Path> removed = new ArrayList<>();
    for (Path entry : Store.list(parent)) {
      String name = entry.getFileName().toString();
      if (!name.startsWith(prefix) || !name.endsWith(LOCK_SUFFIX)) {
        continue;
      }
      Optional<Locks.Lease> lease;
      try {
        lease = Locks.tryExclusive(entry);
      } catch (java.nio.file.AccessDeniedException others) {
        continue;
      }
      if (lease.isEmpty()) {
        continue; // its owner runs
      }
      try (Locks.Lease dead = lease.get()) {
        Path dir = parent.resolve(name.substring(0, name.length() - LOCK_SUFFIX.length()));
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
          Trees.delete(dir);
          removed.add(dir);
        }
        Files.deleteIfExists(entry);
      }
    }
    for (Path entry : Store.list(parent)) {
      String name = entry.getFileName().toString();
      if (name.startsWith(prefix)
          && !name.endsWith(LOCK_SUFFIX)
          && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
          && Files.isWritable(entry)
          && !Files.exists(lockFileOf(entry))
          && unchangedFor(entry, LOCKLESS_QUIET)) {
        // Left by a debforge from before the lock files, or by a cleaner that stopped between
        // its two removals: a live owner of this version creates its lock file first. An older
        // debforge sharing the store writes without one, so only a tree that nothing wrote to
        // for a while is taken for dead.
        Trees.delete(entry);
        removed.add(entry);
      }
    }
    return removed;
  }

  /** Whether no file in the tree was modified within the time. */
  static boolean unchangedFor(Path tree, Duration quiet) throws IOException {
    Instant since = Instant.now().minus(quiet);
    try (Stream<Path> files = Files.walk(tree)) {
      return files.noneMatch(
          file -> {
            try {
              return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS)
                  .toInstant()
                  .isAfter(since);
            } catch (IOException gone) {
              return false;
            }
          });
    } catch (IOException | java.io.UncheckedIOException e) {
      return false; // unreadable or changing: leave it
    }
  }

  private static Path lockFileOf(Path dir) {
    return dir.resolveSibling(dir.getFileName() + LOCK_SUFFIX);
  }
}
