package dev.debforge.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Lock files of the store, shared between processes (builds, workers, {@code debforge store gc})
 * and between the threads of one process.
 *
 * <p>The JVM locks with POSIX record locks, which belong to the whole process: closing any
 * channel on a file drops every lock the process holds on it, and a second lock on the same file
 * from the same process throws. So each file is locked through one channel per process, counted
 * here, and a lock this process already holds is never opened a second time.
 */
final class Locks {

  private static final Map<Path, Held> HELD = new HashMap<>();

  private Locks() {}

  /** A held lock; closing it releases this holder's share. */
  static final class Lease implements AutoCloseable {
    private final Path file;
    private boolean closed;

    private Lease(Path file) {
      this.file = file;
    }

    Path file() {
      return file;
    }

    @Override
    public void close() {
      synchronized (HELD) {
        if (closed) {
          return;
        }
        closed = true;
        Held held = HELD.get(file);
        if (held != null && --held.count == 0) {
          HELD.remove(file);
          held.release();
          HELD.notifyAll(); // a shared lock may wait for this exclusive one
        }
      }
    }
  }

  private static final class Held {
    private final FileChannel channel;
    private final boolean exclusive;
    private int count = 1;

    Held(FileChannel channel, boolean exclusive) {
      this.channel = channel;
      this.exclusive = exclusive;
    }

    void release() {
      try {
        channel.close(); // a lock lives as long as its channel
      } catch (IOException ignored) {
        // The kernel drops the lock when the descriptor goes, whatever close reported.
      }
    }
  }

  /**
   * A shared lock on the file, created if missing, waiting while another process, or another
   * thread of this one, holds it exclusively (a removal: the object is usually gone after it).
   *
   * @throws NoSuchFileException when the file's directory is gone
   */
  static Lease shared(Path file) throws IOException {
    synchronized (HELD) {
      Held held = HELD.get(file);
      while (held != null && held.exclusive) {
        try {
          HELD.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted waiting for the lock " + file);
        }
        held = HELD.get(file);
      }
      if (held != null) {
        held.count++;
        return new Lease(file);
      }
      FileChannel channel = open(file);
      try {
        channel.lock(0, Long.MAX_VALUE, true);
        HELD.put(file, new Held(channel, false));
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      return new Lease(file);
    }
  }

  /**
   * An exclusive lock on the file, created if missing, or nothing when any process (this one
   * included) holds a lock on it or its directory is gone.
   */
  static Optional<Lease> tryExclusive(Path file) throws IOException {
    synchronized (HELD) {
      if (HELD.containsKey(file)) {
        return Optional.empty();
      }
      FileChannel channel;
      try {
        channel = open(file);
      } catch (NoSuchFileException gone) {
        return Optional.empty();
      }
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      if (lock == null) {
        channel.close();
        return Optional.empty();
      }
      HELD.put(file, new Held(channel, true));
      return Optional.of(new Lease(file));
    }
  }

  /** Whether this process holds a lock on the file. */
  static boolean heldHere(Path file) {
    synchronized (HELD) {
      return HELD.containsKey(file);
    }
  }

  private static FileChannel open(Path file) throws IOException {
    // Shared locks need a readable channel, exclusive ones a writable one.
    return FileChannel.open(
        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }
}
