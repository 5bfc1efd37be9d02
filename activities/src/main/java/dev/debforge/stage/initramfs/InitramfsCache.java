package dev.debforge.stage.initramfs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.store.Sha256;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The initramfs archives dracut wrote on this host, each with the {@link DracutInputs.Record} it
 * was written from, so that a tree whose dracut inputs are the same takes the archive instead of
 * running dracut again (40 s here). The images are kept per kernel version and dracut options,
 * the {@value #KEPT} last used of each; an entry is published whole by a rename, named by the
 * digest of its tree.
 *
 * <p>Layout: {@code CACHE/OPTIONS/DIGEST/initramfs.img} and {@code …/DIGEST/entry.json}.
 */
final class InitramfsCache {

  static final int KEPT = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  /**
   * @param cache the shared cache of initramfs archives of an architecture
   * @param call the dracut command line (kernel version, modules, epoch), which the archive is
   *     a function of beside the tree
   */
  InitramfsCache(Path cache, List<String> call) {
    this.dir = cache.resolve(Sha256.hex((DracutInputs.FORMAT + "\n" + String.join("\n", call))
        .getBytes(StandardCharsets.UTF_8)).substring(0, 32));
  }

  /** What is kept with an archive: its record and the SHA-256 of its bytes. */
  record Entry(DracutInputs.Record record, String image) {}

  /**
   * Copies to {@code image} the kept archive whose record {@code root} matches, and says whether
   * there was one.
   */
  boolean reuse(Path root, String kver, Path image) throws IOException {
    for (Path candidate : entries()) {
      Entry entry;
      try {
        entry = JSON.readValue(candidate.resolve("entry.json").toFile(), Entry.class);
      } catch (IOException e) {
        continue; // removed by another build meanwhile, or not ours: not a match
      }
      if (!DracutInputs.digest(root, kver, entry.record())
          .equals(candidate.getFileName().toString())) {
        continue;
      }
      try {
        Files.copy(candidate.resolve("initramfs.img"), image,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        continue;
      }
      if (!Sha256.ofFile(image).equals(entry.image())) {
        Files.delete(image);
        continue;
      }
      touch(candidate);
      return true;
    }
    return false;
  }

  /** Keeps the archive dracut just wrote from {@code root}, with its record. */
  void keep(Path root, String kver, Path image, DracutInputs.Record record) throws IOException {
    Files.createDirectories(dir);
    Path entry = dir.resolve(DracutInputs.digest(root, kver, record));
    Path temporary = dir.resolve(".new-" + UUID.randomUUID());
    try {
      Files.createDirectory(temporary);
      Files.copy(image, temporary.resolve("initramfs.img"));
      JSON.writeValue(temporary.resolve("entry.json").toFile(),
          new Entry(record, Sha256.ofFile(image)));
      try {
        Files.move(temporary, entry, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        // The same inputs kept by another build: the same archive.
      } catch (IOException e) {
        if (!Files.isDirectory(entry)) {
          throw e;
        }
      }
      touch(entry);
    } finally {
      if (Files.exists(temporary)) {
        Trees.delete(temporary);
      }
    }
    List<Path> kept = entries();
    for (Path old : kept.subList(Math.min(KEPT, kept.size()), kept.size())) {
      Trees.delete(old);
    }
    removeAbandoned();
  }

  /** Removes what a build that was killed while keeping an archive left (an hour old or more). */
  private void removeAbandoned() throws IOException {
    Instant hourAgo = Instant.now().minusSeconds(3600);
    try (DirectoryStream<Path> partial = Files.newDirectoryStream(dir, ".new-*")) {
      for (Path path : partial) {
        if (lastUsed(path).toInstant().isBefore(hourAgo)) {
          Trees.delete(path);
        }
      }
    }
  }

  /** The kept entries, last used first. */
  private List<Path> entries() throws IOException {
    List<Path> entries = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return entries;
    }
    try (DirectoryStream<Path> list = Files.newDirectoryStream(dir, "[0-9a-f]*")) {
      list.forEach(entries::add);
    }
    entries.sort(Comparator.comparing(InitramfsCache::lastUsed).reversed());
    return entries;
  }

  private static FileTime lastUsed(Path entry) {
    try {
      return Files.getLastModifiedTime(entry);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static void touch(Path entry) {
    try {
      Files.setLastModifiedTime(entry, FileTime.from(Instant.now()));
    } catch (IOException e) {
      // Another build removed it; its order among the kept does not matter then.
    }
  }
}
