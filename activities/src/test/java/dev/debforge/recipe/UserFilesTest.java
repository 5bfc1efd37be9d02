package dev.debforge.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserFilesTest {

  @TempDir Path dir;

  @Test
  void readsASmallTextFile() throws Exception {
    Path file = Files.writeString(dir.resolve("r.yaml"), "name: x\n");
    assertEquals("name: x\n", UserFiles.read(file, "recipe"));
  }

  @Test
  void refusesADeviceWithoutReadingIt() {
    UserFiles.Refused e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () -> assertThrows(
                UserFiles.Refused.class, () -> UserFiles.read(Path.of("/dev/zero"), "recipe")));
    assertEquals(
        "/dev/zero: the recipe is not a regular file (it is a FIFO, a device or a socket), so it"
            + " is not read",
        e.getMessage().lines().findFirst().get());
    assertTrue(e.getMessage().contains("\nHint: "), e.getMessage());
  }

  @Test
  void refusesAFifoWithoutWaitingForAWriter() throws Exception {
    Path fifo = dir.resolve("config.toml");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    UserFiles.Refused e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () -> assertThrows(UserFiles.Refused.class, () -> UserFiles.read(fifo, "config file")));
    assertTrue(e.problem().startsWith("the config file is not a regular file"), e.problem());
    assertEquals(fifo, e.file());
  }

  @Test
  void refusesAFileOverTheLimitBeforeReadingIt() throws Exception {
    Path big = dir.resolve("big.yaml");
    try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
      file.setLength(50L << 20);
    }
    UserFiles.Refused e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () -> assertThrows(UserFiles.Refused.class, () -> UserFiles.read(big, "recipe")));
    assertEquals("the recipe is 52428800 bytes, more than the 1 MiB a recipe may have",
        e.problem());
  }

  @Test
  void refusesADirectoryAMissingFileAndBinaryData() throws Exception {
    assertEquals(
        "the recipe is a directory, not a file",
        assertThrows(UserFiles.Refused.class, () -> UserFiles.read(dir, "recipe")).problem());
    assertEquals(
        "the recipe does not exist",
        assertThrows(UserFiles.Refused.class, () -> UserFiles.read(dir.resolve("no"), "recipe"))
            .problem());
    Path binary = Files.write(dir.resolve("bin.yaml"), new byte[] {'a', (byte) 0xff, (byte) 0xfe});
    assertEquals(
        "the recipe is not UTF-8 text",
        assertThrows(UserFiles.Refused.class, () -> UserFiles.read(binary, "recipe")).problem());
  }

  @Test
  void findsTheFirstLineOverTheLimit() {
    assertEquals(0, UserFiles.firstLineLongerThan("ab\ncd\n", 2));
    assertEquals(2, UserFiles.firstLineLongerThan("ab\nabc\nabcd", 2));
    assertEquals(1, UserFiles.firstLineLongerThan("abc", 2));
  }
}
