package dev.debforge.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReadAheadTest {

  private static final ReadAhead.Chunks NOTHING =
      new ReadAhead.Chunks() {
        @Override
        public void read(byte[] buffer, int length) {}

        @Override
        public void ended() {}
      };

  private static byte[] random(int size) {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return data;
  }

  @Test
  void theReaderGetsEveryByteInOrderWhateverItsReadSizes() throws Exception {
    for (int size : new int[] {0, 1, ReadAhead.CHUNK - 1, ReadAhead.CHUNK, ReadAhead.CHUNK + 1,
        ReadAhead.CHUNK * ReadAhead.BUFFERS * 3 + 17}) {
      byte[] data = random(size);
      AtomicLong counted = new AtomicLong();
      AtomicBoolean ended = new AtomicBoolean();
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      try (ReadAhead in = new ReadAhead("test", () -> new ByteArrayInputStream(data),
          new ReadAhead.Chunks() {
            @Override
            public void read(byte[] buffer, int length) {
              counted.addAndGet(length);
            }

            @Override
            public void ended() {
              ended.set(true);
            }
          })) {
        Random sizes = new Random(7);
        byte[] buffer = new byte[100_000];
        int n;
        while ((n = in.read(buffer, 0, 1 + sizes.nextInt(buffer.length))) >= 0) {
          read.write(buffer, 0, n);
        }
        // What the thread counted and its end are seen once the reader has seen the end.
        assertTrue(ended.get());
        assertEquals(size, counted.get());
        assertEquals(-1, in.read());
      }
      assertArrayEquals(data, read.toByteArray(), "size " + size);
    }
  }

  @Test
  void theSourcesFailureComesAfterTheBytesBeforeItAsTheSameException() throws Exception {
    byte[] data = random(ReadAhead.CHUNK * 2);
    IOException broken = new IOException("broken source");
    InputStream failing =
        new InputStream() {
          private int at;

          @Override
          public int read() throws IOException {
            if (at == data.length) {
              throw broken;
            }
            return data[at++] & 0xff;
          }
        };
    try (ReadAhead in = new ReadAhead("test", () -> failing, NOTHING)) {
      byte[] got = in.readNBytes(data.length);
      assertArrayEquals(data, got);
      assertSame(broken, assertThrows(IOException.class, in::read));
      assertSame(broken, assertThrows(IOException.class, in::read), "and again");
    }
  }

  @Test
  void anUncheckedFailureOfTheOpenerIsThrownAsItIs() throws Exception {
    IllegalStateException corrupt = new IllegalStateException("corrupt");
    try (ReadAhead in = new ReadAhead("test", () -> {
      throw corrupt;
    }, NOTHING)) {
      assertSame(corrupt, assertThrows(IllegalStateException.class, in::read));
    }
  }

  @Test
  void closingBeforeTheEndStopsTheThreadAndClosesTheSource() throws Exception {
    AtomicBoolean closed = new AtomicBoolean();
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            threads.add(Thread.currentThread());
            return 1;
          }

          @Override
          public void close() {
            closed.set(true);
          }
        };
    ReadAhead in = new ReadAhead("test", () -> endless, NOTHING);
    assertEquals(1, in.read());
    // The thread has filled every buffer and waits for the reader.
    in.close();
    assertTrue(closed.get());
    assertEquals(1, threads.size());
    Thread thread = threads.iterator().next();
    assertFalse(thread.isAlive(), "the thread ended with close");
    assertThrows(IOException.class, in::read);
  }
}
