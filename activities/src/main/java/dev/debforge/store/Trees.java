package dev.debforge.store;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.process.ProcessRunner;
import java.time.Duration;

/** Removing directory trees that builds leave behind, including OSTree's immutable ones. */
public final class Trees {

  private static final Duration CHATTR_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration COPY_TIMEOUT = Duration.ofMinutes(30);

  private Trees() {}

  /**
   * Deletes a tree without following symlinks. OSTree marks each deployment root immutable
   * ({@code chattr +i}), which no plain delete can remove, so on failure the immutable bits are
   * cleared with {@code chattr -R -i} and the delete is tried once more.
   */
  public static void delete(Path tree) throws IOException {
    if (!Files.exists(tree, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    detachMounts(tree);
    try {
      walkDelete(tree);
    } catch (IOException first) {
      clearImmutable(tree);
      walkDelete(tree);
    }
  }

  private static void walkDelete(Path tree) throws IOException {
    Files.walkFileTree(
        tree,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * Detaches what is mounted below the tree, deepest first ({@code umount -l}): a tool killed in
   * the middle of its work (mmdebstrap, with /proc, /sys and /dev of its chroot mounted) leaves
   * its mounts behind, and a delete must neither walk into the host's /sys nor remove files of a
   * bind-mounted /dev.
   */
  static void detachMounts(Path tree) throws IOException {
    Path mountinfo = Path.of("/proc/self/mountinfo");
    if (!Files.isReadable(mountinfo)) {
      return;
    }
    String below = tree.toAbsolutePath().normalize() + "/";
    List<String> mounts = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(mountinfo)) {
      String[] fields = line.split(" ");
      if (fields.length > 4) {
        // The mount point, with blanks and such written as octal escapes (\040).
        String point = fields[4].replace("\\040", " ").replace("\\011", "\t")
            .replace("\\012", "\n").replace("\\134", "\\");
        if (point.startsWith(below)) {
          mounts.add(point);
        }
      }
    }
    mounts.sort(java.util.Comparator.comparingInt(String::length).reversed());
    for (String point : mounts) {
      try {
        ProcessRunner.logging(line -> {})
            .run(ToolCall.of(List.of("umount", "-l", point), CHATTR_TIMEOUT));
      } catch (ToolException e) {
        throw new IOException("cannot detach " + point + ", mounted inside " + tree + ": "
            + e.getMessage(), e);
      }
    }
  }

  private static void clearImmutable(Path tree) {
    try {
      ProcessRunner.logging(line -> {})
          .run(ToolCall.of(List.of("chattr", "-R", "-f", "-i", tree.toString()), CHATTR_TIMEOUT));
    } catch (ToolException e) {
      // chattr -f still exits non-zero for files without flags; the second delete reports what
      // really could not be removed.
    }
  }

  /**
   * The call that copies a tree with owners, modes, links and xattrs kept: {@code cp -a}, with
   * reflinks where the filesystem has them, or with hard links for a copy that is only
   * rearranged and never written into.
   */
  public static ToolCall copy(Path from, Path to, boolean hardLinks) {
    return ToolCall.of(
        List.of(
            "cp",
            "-a",
            hardLinks ? "--link" : "--reflink=auto",
            "--no-target-directory",
            from.toString(),
            to.toString()),
        COPY_TIMEOUT);
  }
}
