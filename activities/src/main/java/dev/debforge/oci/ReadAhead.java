package dev.debforge.oci;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stream read on a thread of its own, ahead of its reader: the thread opens the source, reads it
 * in chunks of {@link #CHUNK} bytes into a few buffers and hands them over, so that what making
 * the bytes costs (decompressing a layer, hashing it) runs beside what the reader does with them
 * (writing the files of a tar). On two processors a layer unpacks in about the time the slower of
 * the two takes instead of their sum.
 *
 * <p>What the thread throws, opening or reading, is thrown by the reader's next read once the
 * bytes before it have been read: the same exception object, so callers can tell the source's
 * own failures apart by identity as they would without the thread. The callbacks run on the
 * thread: {@link Chunks#read} with each chunk before the reader sees it, {@link Chunks#ended}
 * after the last one, before the reader sees the end; whatever they write the reader may read
 * once it has seen the chunk (or the end).
 *
 * <p>{@link #close} stops the thread (and waits for it) and closes the source; a reader that
 * stops early leaves nothing running.
 */
final class ReadAhead extends InputStream {

  static final int CHUNK = 256 << 10;
  /** Buffers in flight: 4 MiB ahead of the reader at most. */
  static final int BUFFERS = 16;

  /** Opens the source, on the thread. */
  @FunctionalInterface
  interface Opener {
    InputStream open() throws IOException;
  }

  /** What the thread does with the bytes besides handing them over. */
  interface Chunks {
    void read(byte[] buffer, int length);

    /** After the last byte was read, before the reader sees the end. */
    void ended() throws IOException;
  }

  /** A chunk, the end ({@code buffer} null, {@code failure} null), or a failure. */
  private record Chunk(byte[] buffer, int length, Throwable failure) {}

  private static final Chunk END = new Chunk(null, 0, null);

  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(BUFFERS + 1);
  private final Thread thread;
  private volatile boolean closed;
  /** Set by the thread; closed by {@link #close} once the thread has ended. */
  private volatile InputStream source;
  private Chunk current;
  private int position;

  ReadAhead(String name, Opener opener, Chunks chunks) {
    for (int i = 0; i < BUFFERS; i++) {
      free.add(new byte[CHUNK]);
    }
    thread = new Thread(() -> fill(opener, chunks), name);
    thread.setDaemon(true);
    thread.start();
  }

  private void fill(Opener opener, Chunks chunks) {
    try {
      source = opener.open();
      while (!closed) {
        byte[] buffer = free.take();
        int n = 0;
        boolean end = false;
        Throwable failure = null;
        try {
          while (n < buffer.length) {
            int read = source.read(buffer, n, buffer.length - n);
            if (read < 0) {
              end = true;
              break;
            }
            n += read;
          }
        } catch (IOException | RuntimeException e) {
          // The bytes read before it go first: the reader learns where the source broke.
          failure = e;
        }
        if (n > 0) {
          chunks.read(buffer, n);
          full.put(new Chunk(buffer, n, null));
        }
        if (failure != null) {
          full.put(new Chunk(null, 0, failure));
          return;
        }
        if (end) {
          chunks.ended();
          full.put(END);
          return;
        }
      }
    } catch (InterruptedException stopped) {
      // Closed.
    } catch (Throwable failure) {
      // The queue always has room for this one: the thread holds at most BUFFERS chunks.
      full.offer(new Chunk(null, 0, failure));
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (closed) {
      throw new IOException("the stream is closed");
    }
    if (length == 0) {
      return 0;
    }
    if (current == null || current.buffer() != null && position == current.length()) {
      if (current != null) {
        free.add(current.buffer());
      }
      try {
        current = full.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the next chunk");
      }
      position = 0;
    }
    if (current.failure() != null) {
      throw rethrown(current.failure());
    }
    if (current.buffer() == null) {
      return -1;
    }
    int n = Math.min(length, current.length() - position);
    System.arraycopy(current.buffer(), position, buffer, offset, n);
    position += n;
    return n;
  }

  /** The thread's failure as the reader's: IOExceptions and unchecked ones as they are. */
  private static IOException rethrown(Throwable failure) {
    if (failure instanceof IOException io) {
      return io;
    }
    if (failure instanceof RuntimeException unchecked) {
      throw unchecked;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    return new IOException(failure);
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    InputStream opened = source;
    if (opened != null) {
      opened.close();
    }
  }
}
