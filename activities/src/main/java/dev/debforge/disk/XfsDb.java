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
   * Sets {@code core.immutable} on each inode, in one run.
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
      argv.addAll(List.of("-c", "path " + path, "-c", "write core.immutable 1"));
    }
    argv.add(image.toString());
    return ToolCall.of(argv, TIMEOUT);
  }
}
