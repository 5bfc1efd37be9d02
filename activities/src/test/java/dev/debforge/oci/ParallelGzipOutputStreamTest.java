package dev.debforge.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParallelGzipOutputStreamTest {

  private static final int BLOCK = ParallelGzipOutputStream.BLOCK;

  @TempDir Path work;

  /** Text-like bytes with repeats that reach across block boundaries, and some noise. */
  private static byte[] sample(int size) {
    Random random = new Random(42);
    StringBuilder text = new StringBuilder();
    String[] words = {"usr/lib/", "modules/", "debian ", "ostree ", "bootc ", "\n", "0755 "};
    while (text.length() < size) {
      text.append(words[random.nextInt(words.length)]);
      if (random.nextInt(50) == 0) {
        text.append(random.nextLong());
      }
    }
    return text.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] compress(byte[] data, int threads, int writeSize) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gzip =
        new ParallelGzipOutputStream(bytes, Deflater.DEFAULT_COMPRESSION, threads)) {
      for (int i = 0; i < data.length; i += writeSize) {
        gzip.write(data, i, Math.min(writeSize, data.length - i));
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  @Test
  void decompressesToTheInputAcrossBlocks() throws IOException {
    byte[] data = sample(3 * BLOCK + 12345);
    assertArrayEquals(data, gunzip(compress(data, 2, 7000)));
  }

  @Test
  void theBytesDoNotDependOnThreadsOrWriteSizes() throws IOException {
    byte[] data = sample(5 * BLOCK + 1);
    byte[] one = compress(data, 1, BLOCK);
    assertArrayEquals(one, compress(data, 4, 333));
    assertArrayEquals(one, compress(data, 3, 3 * BLOCK));
  }

  @Test
  void emptyAndWholeBlockInputsMakeValidStreams() throws IOException {
    assertArrayEquals(new byte[0], gunzip(compress(new byte[0], 2, 1)));
    byte[] twoBlocks = sample(2 * BLOCK);
    assertArrayEquals(twoBlocks, gunzip(compress(twoBlocks, 2, BLOCK)));
    byte[] single = compress(new byte[] {'x'}, 1, 1);
    assertArrayEquals(new byte[] {'x'}, gunzip(single));
  }

  @Test
  void gzipItselfAcceptsTheStreamAndItsTrailer() throws Exception {
    byte[] data = sample(2 * BLOCK + 99);
    Path file = Files.write(work.resolve("layer.tar.gz"), compress(data, 2, 65536));
    Process gzip =
        new ProcessBuilder("gzip", "--decompress", "--stdout", file.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] out = gzip.getInputStream().readAllBytes();
    assertEquals(0, gzip.waitFor());
    assertArrayEquals(data, out);
    // gzip -l reads the length from the trailer.
    Process list = new ProcessBuilder("gzip", "--list", file.toString()).start();
    String listing = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, list.waitFor());
    assertTrue(listing.contains(" " + data.length + " "), listing);
  }

  @Test
  void blockBoundariesCostLittle() throws IOException {
    byte[] data = sample(4 * BLOCK);
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(whole)) {
      gzip.write(data);
    }
    int parallel = compress(data, 2, BLOCK).length;
    assertTrue(
        parallel <= whole.size() * 1.01,
        "parallel " + parallel + " bytes, one stream " + whole.size());
  }

  @Test
  void refusesWritesAfterFinish() throws IOException {
    ParallelGzipOutputStream gzip =
        new ParallelGzipOutputStream(new ByteArrayOutputStream(), 6, 1);
    gzip.finish();
    assertThrows(IOException.class, () -> gzip.write(1));
    gzip.close();
    assertThrows(IllegalArgumentException.class,
        () -> new ParallelGzipOutputStream(new ByteArrayOutputStream(), 6, 0));
  }
}
