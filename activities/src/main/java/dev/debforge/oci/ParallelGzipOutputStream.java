package dev.debforge.oci;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip stream (RFC 1952) compressed on several threads, as pigz does it: the input is cut into
 * blocks of {@link #BLOCK} bytes, each block is deflated on its own with the last 32 KiB of the
 * block before it as its dictionary and ends on a byte boundary (a sync flush), so the deflated
 * blocks joined in order are one deflate stream that any gzip reader takes. The CRC-32 and length
 * of the trailer are computed on the calling thread.
 *
 * <p>The bytes written depend only on the input and the level, never on the number of threads or
 * their timing, so layers stay reproducible. Compared with one {@link java.util.zip.Deflater} over
 * the whole input, each block boundary costs a few bytes (the flush marker and the restarted
 * match search). At most two blocks a thread are held in memory.
 */
public final class ParallelGzipOutputStream extends OutputStream {

  /** Input bytes per independently deflated block. */
  public static final int BLOCK = 1 << 20;

  private static final int DICTIONARY = 32 * 1024;
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final OutputStream out;
  private final int level;
  private final ExecutorService pool;
  private final int maxPending;
  private final Deque<Future<byte[]>> pending = new ArrayDeque<>();
  private final CRC32 crc = new CRC32();
  private byte[] block = new byte[BLOCK];
  private int fill;
  private byte[] previous;
  private long length;
  private boolean finished;
  private boolean closed;

  /** Compresses at the default level on one thread per processor. */
  public ParallelGzipOutputStream(OutputStream out) throws IOException {
    this(out, Deflater.DEFAULT_COMPRESSION, Runtime.getRuntime().availableProcessors());
  }

  /**
   * @param level a {@link Deflater} level, 0 to 9 or {@link Deflater#DEFAULT_COMPRESSION}
   * @param threads how many blocks are deflated at once, at least 1
   */
  public ParallelGzipOutputStream(OutputStream out, int level, int threads) throws IOException {
    if (threads < 1) {
      throw new IllegalArgumentException("at least one thread, not " + threads);
    }
    this.out = out;
    this.level = level;
    this.maxPending = 2 * threads;
    int poolNumber = POOLS.incrementAndGet();
    AtomicInteger threadNumber = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            task -> {
              Thread thread =
                  new Thread(task, "gzip-" + poolNumber + "-" + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    // Magic, deflate, no flags, no modification time, no extra flags, operating system unknown.
    out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int count) throws IOException {
    if (finished) {
      throw new IOException("the gzip stream is finished");
    }
    while (count > 0) {
      int n = Math.min(count, BLOCK - fill);
      System.arraycopy(bytes, offset, block, fill, n);
      fill += n;
      offset += n;
      count -= n;
      if (fill == BLOCK) {
        submit(false);
      }
    }
  }

  /** Writes the last block and the trailer; the underlying stream stays open. */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    submit(true);
    while (!pending.isEmpty()) {
      writeOldest();
    }
    long crcValue = crc.getValue();
    out.write(littleEndian((int) crcValue));
    out.write(littleEndian((int) length));
    finished = true;
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      finish();
    } finally {
      pool.shutdownNow();
      out.close();
    }
  }

  private void submit(boolean last) throws IOException {
    byte[] data = block;
    int size = fill;
    byte[] dictionary = previous;
    crc.update(data, 0, size);
    length += size;
    pending.add(pool.submit(() -> deflate(data, size, dictionary, level, last)));
    previous = data;
    block = new byte[BLOCK];
    fill = 0;
    while (pending.size() > maxPending) {
      writeOldest();
    }
  }

  private void writeOldest() throws IOException {
    Future<byte[]> oldest = pending.removeFirst();
    try {
      out.write(oldest.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pending.forEach(f -> f.cancel(true));
      throw new InterruptedIOException("stopped compressing: the thread was interrupted");
    } catch (ExecutionException e) {
      pending.forEach(f -> f.cancel(true));
      throw new IOException("deflating a block failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Deflates one block. A block that is not the last ends with a sync flush (an empty stored
   * block), so the next one starts on a byte boundary; the last ends the deflate stream.
   */
  static byte[] deflate(byte[] data, int size, byte[] dictionary, int level, boolean last) {
    Deflater deflater = new Deflater(level, true);
    try {
      if (dictionary != null) {
        deflater.setDictionary(dictionary, dictionary.length - DICTIONARY, DICTIONARY);
      }
      deflater.setInput(data, 0, size);
      ByteArrayOutputStream compressed = new ByteArrayOutputStream(size / 2 + 1024);
      byte[] buffer = new byte[64 * 1024];
      if (last) {
        deflater.finish();
        while (!deflater.finished()) {
          compressed.write(buffer, 0, deflater.deflate(buffer));
        }
      } else {
        // Per Deflater's contract, a sync flush that fills the buffer must be called again.
        int n;
        do {
          n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
          compressed.write(buffer, 0, n);
        } while (n == buffer.length);
      }
      return compressed.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static byte[] littleEndian(int value) {
    return new byte[] {
      (byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)
    };
  }
}
