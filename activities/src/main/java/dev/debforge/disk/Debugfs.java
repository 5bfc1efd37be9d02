package dev.debforge.disk;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Edits an unmounted ext4 image with e2fsprogs' {@code debugfs}. The build uses it to restore
 * the immutable bit that ostree sets on every deployment root: {@code mke2fs -d} copies owners,
 * modes, xattrs and hard links, but not inode flags.
 */
public final class Debugfs {

  public static final Duration TIMEOUT = Duration.ofMinutes(5);

  /** {@code EXT4_IMMUTABLE_FL}. */
  public static final int IMMUTABLE = 0x10;

  /** {@code EXT4_EXTENTS_FL}, which mke2fs -d sets on every directory it writes. */
  public static final int EXTENTS = 0x80000;

  private Debugfs() {}

  /**
   * Sets the complete flags word of an inode. The value replaces the old one, so it must keep
   * the flags the inode already has; for a small directory written by {@code mke2fs -d} that is
   * {@link #EXTENTS}, hence {@code EXTENTS | IMMUTABLE} (0x80010) for a deployment root.
   *
   * @param path the inode's absolute path inside the file system
   */
  public static ToolCall setInodeFlags(Path image, String path, int flags) {
    return setInodeFlags(image, 0, path, flags);
  }

  /**
   * The same for a file system that starts {@code offsetBytes} into {@code image}, a partition of
   * a disk image: debugfs opens {@code IMAGE?offset=N} (e2fsprogs' unix I/O option), so the image's
   * name must not hold a {@code ?} itself.
   */
  public static ToolCall setInodeFlags(Path image, long offsetBytes, String path, int flags) {
    if (offsetBytes < 0) {
      throw new IllegalArgumentException("a negative offset: " + offsetBytes);
    }
    String device = image.toString();
    if (offsetBytes > 0) {
      if (device.indexOf('?') >= 0) {
        throw new IllegalArgumentException(
            "debugfs reads the text after '?' as options; the image's path must not hold one: "
                + device);
      }
      device = device + "?offset=" + offsetBytes;
    }
    if (!path.startsWith("/") || path.indexOf('"') >= 0 || path.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException(
          "debugfs needs an absolute path without quotes or control characters: " + path);
    }
    // debugfs splits its request on blanks and honours double quotes.
    String quoted = path.contains(" ") || path.contains("\t") ? '"' + path + '"' : path;
    String request = "set_inode_field " + quoted + " flags 0x" + Integer.toHexString(flags);
    return ToolCall.of(List.of("debugfs", "-w", "-R", request, device), TIMEOUT);
  }
}
