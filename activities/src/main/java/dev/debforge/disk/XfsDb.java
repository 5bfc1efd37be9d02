package dev.debforge.disk;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Edits an unmounted XFS image with xfsprogs' {@code xfs_db} in expert mode. The build uses it
 * to restore the immutable bit that ostree sets on every deployment root: {@code mkfs.xfs -p
 * file=} copies owners, modes, xattrs and hard links, but not inode flags. {@code xfs_db}
 * recomputes the inode's checksum when it writes a field.
 */
public final class XfsDb {

  public static final Duration TIMEOUT = Duration.ofMinutes(5);

  private XfsDb() {}

  /**
   * Sets {@code core.immutable} on each inode, in one run, and prints it back: xfs_db exits 0
   * after a command it could not parse, so {@link #requireImmutable} reads what it printed.
   *
   * @param paths absolute paths inside the file system, without blanks (xfs_db splits its
   *     commands on them and has no quoting)
   */
  public static ToolCall setImmutable(Path image, List<String> paths) {
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("no inode to mark immutable");
    }
    List<String> argv = new ArrayList<>(List.of("xfs_db", "-x"));
    for (String path : paths) {
      if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= 0x20)) {
        throw new IllegalArgumentException(
            "xfs_db needs an absolute path without blanks or control characters: " + path);
      }
      argv.addAll(
          List.of(
              "-c", "path " + path, "-c", "write core.immutable 1", "-c", "print core.immutable"));
    }
    argv.add(image.toString());
    return ToolCall.of(argv, TIMEOUT);
  }

  /**
   * Checks what {@link #setImmutable} printed: each inode's {@code core.immutable = 1}, read
   * back after the write.
   *
   * @throws IllegalStateException when fewer inodes than {@code count} read back as immutable
   */
  public static void requireImmutable(String output, int count) {
    long set = output.lines().filter(line -> line.strip().equals("core.immutable = 1")).count();
    // The write echoes the new value and the print reads it back: two lines per inode.
    if (set < 2L * count) {
      throw new IllegalStateException(
          "xfs_db did not mark " + count + " deployment(s) immutable; it printed: "
              + output.strip());
    }
  }
}
