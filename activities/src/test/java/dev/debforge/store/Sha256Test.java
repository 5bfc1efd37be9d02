package dev.debforge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256Test {

  @TempDir Path dir;

  @Test
  void aFileHashesToWhatSha256sumSays() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty"));
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        Sha256.ofFile(empty));
    Path abc = Files.writeString(dir.resolve("abc"), "abc", StandardCharsets.US_ASCII);
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        Sha256.ofFile(abc));
  }

  @Test
  void aSparseFileOfSeveralBuffersHashesAsItsBytes() throws IOException {
    Path sparse = dir.resolve("sparse");
    byte[] whole = new byte[3 * (1 << 20) + 5];
    whole[whole.length - 1] = 1;
    try (RandomAccessFile file = new RandomAccessFile(sparse.toFile(), "rw")) {
      file.setLength(whole.length);
      file.seek(whole.length - 1);
      file.write(1);
    }
    assertEquals(Sha256.hex(whole), Sha256.ofFile(sparse));
  }

  @Test
  void aStoppedThreadStopsReading() throws IOException {
    Path file = Files.write(dir.resolve("file"), new byte[1 << 21]);
    Thread.currentThread().interrupt();
    try {
      InterruptedIOException e =
          assertThrows(InterruptedIOException.class, () -> Sha256.ofFile(file));
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void holesBetweenTheDataRangesHashAsZeros() throws IOException {
    byte[] whole = new byte[5 * (1 << 20) + 17];
    whole[3] = 9;
    whole[(1 << 20) + 1] = 8;
    whole[whole.length - 1] = 7;
    Path file = Files.write(dir.resolve("file"), whole);
    // Ranges narrower than the data would give another hash: these cover every non-zero byte.
    List<Sha256.Range> data = List.of(new Sha256.Range(0, 4), new Sha256.Range(1 << 20, 2),
        new Sha256.Range(whole.length - 1, 1));
    assertEquals(Sha256.hex(whole), Sha256.ofSparseFile(file, data));
    assertEquals(Sha256.hex(whole), Sha256.ofSparseFile(file, List.of(
        new Sha256.Range(0, whole.length))));
    String allHoles = Sha256.ofSparseFile(file, List.of());
    assertEquals(Sha256.hex(new byte[whole.length]), allHoles, "holes hash as zeros, unread");
    assertNotEquals(Sha256.hex(whole), allHoles);
  }

  @Test
  void rangesOutOfOrderOrBeyondTheEndAreRefused() throws IOException {
    Path file = Files.write(dir.resolve("small"), new byte[100]);
    assertThrows(IllegalArgumentException.class, () -> Sha256.ofSparseFile(file,
        List.of(new Sha256.Range(50, 10), new Sha256.Range(10, 10))));
    assertThrows(IllegalArgumentException.class, () -> Sha256.ofSparseFile(file,
        List.of(new Sha256.Range(90, 20))));
  }
}
