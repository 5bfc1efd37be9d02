package dev.debforge.stage.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsCacheTest {

  private static final String KVER = "6.1.0-1-amd64";
  private static final List<String> CALL = List.of("dracut", "--kver", KVER, "1700000000");

  @TempDir Path dir;

  @Test
  void anArchiveIsReusedForATreeWithTheSameInputsOnly() throws IOException {
    Path cache = dir.resolve("cache");
    Path built = tree("built", "bash 1");
    InitramfsCache initramfs = new InitramfsCache(cache, CALL);
    initramfs.keep(built, KVER, image(built), record());

    Path same = tree("same", "bash 1");
    assertTrue(initramfs.reuse(same, KVER, image(same)));
    assertEquals(Files.readString(image(built)), Files.readString(image(same)));

    Path changed = tree("changed", "bash 2");
    assertFalse(initramfs.reuse(changed, KVER, image(changed)));
    assertEquals("no archive yet", Files.readString(image(changed)));

    Path otherCall = tree("other-call", "bash 1");
    assertFalse(new InitramfsCache(cache, List.of("dracut", "--kver", KVER, "null"))
        .reuse(otherCall, KVER, image(otherCall)));
  }

  @Test
  void aKeptArchiveWhoseBytesChangedIsNotUsed() throws IOException {
    Path cache = dir.resolve("cache");
    Path built = tree("built", "bash 1");
    InitramfsCache initramfs = new InitramfsCache(cache, CALL);
    initramfs.keep(built, KVER, image(built), record());
    try (Stream<Path> kept = Files.walk(cache)) {
      for (Path image : kept.filter(p -> p.endsWith("initramfs.img")).toList()) {
        Files.writeString(image, "flipped bits");
      }
    }
    Path same = tree("same", "bash 1");
    assertFalse(initramfs.reuse(same, KVER, image(same)));
    assertFalse(Files.exists(image(same)), "a wrong copy is not left in the tree");
  }

  @Test
  void theLastUsedAreKept() throws IOException {
    Path cache = dir.resolve("cache");
    InitramfsCache initramfs = new InitramfsCache(cache, CALL);
    for (int i = 1; i <= InitramfsCache.KEPT + 2; i++) {
      Path tree = tree("t" + i, "bash " + i);
      initramfs.keep(tree, KVER, image(tree), record());
    }
    try (Stream<Path> kept = Files.walk(cache)) {
      assertEquals(InitramfsCache.KEPT,
          kept.filter(p -> p.endsWith("initramfs.img")).count());
    }
    Path newest = tree("newest", "bash " + (InitramfsCache.KEPT + 2));
    assertTrue(initramfs.reuse(newest, KVER, image(newest)));
    Path oldest = tree("oldest", "bash 1");
    assertFalse(initramfs.reuse(oldest, KVER, image(oldest)));
    try (Stream<Path> left = Files.walk(cache)) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".new-")));
    }
  }

  @Test
  void whatAKilledBuildLeftIsRemovedOnceItIsOld() throws IOException {
    Path cache = dir.resolve("cache");
    InitramfsCache initramfs = new InitramfsCache(cache, CALL);
    Path first = tree("t1", "bash 1");
    initramfs.keep(first, KVER, image(first), record());
    Path options;
    try (Stream<Path> dirs = Files.list(cache)) {
      options = dirs.findFirst().orElseThrow();
    }
    Path old = Files.createDirectory(options.resolve(".new-killed"));
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(7200)));
    Path recent = Files.createDirectory(options.resolve(".new-running"));
    Path second = tree("t2", "bash 2");
    initramfs.keep(second, KVER, image(second), record());
    assertFalse(Files.exists(old));
    assertTrue(Files.exists(recent), "another build may be writing it");
  }

  private static DracutInputs.Record record() {
    return new DracutInputs.Record(List.of("usr/bin/bash"), List.of(), List.of());
  }

  /** A tree whose bash (copied into the archive) says {@code bash}. */
  private Path tree(String name, String bash) throws IOException {
    Path root = dir.resolve(name);
    Files.createDirectories(root.resolve("usr/bin"));
    Files.createDirectories(root.resolve("usr/lib/modules/" + KVER));
    Files.writeString(root.resolve("usr/bin/bash"), bash);
    Files.writeString(image(root), name.equals("built") || name.startsWith("t")
        ? "archive of " + bash : "no archive yet");
    return root;
  }

  private static Path image(Path root) {
    return root.resolve("usr/lib/modules/" + KVER + "/initramfs.img");
  }
}
