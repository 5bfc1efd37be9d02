package dev.debforge.disk;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Makes an XFS file system in a file with {@code mkfs.xfs}.
 *
 * <p>XFS cannot yet be filled from a directory the way ext4 and btrfs can: xfsprogs 6.1
 * (Debian 12) only takes a prototype file ({@code -p FILE}), a listing that names each entry's
 * type, mode, owner and, for regular files, a source path. It works without root (checked on
 * this machine), but it makes a new inode per entry, so hard links are lost (an ostree
 * deployment is hard links into the repository: the root would grow and differ), and it copies
 * no xattrs ({@code security.capability}) and no timestamps. So this wrapper only makes the file
 * system, with an optional prototype file for small trees; an XFS root needs another route.
 */
public final class MkfsXfs {

  public static final Duration TIMEOUT = Duration.ofMinutes(10);

  /**
   * @param image the file to format, already at the partition's size
   * @param uuid the file system UUID
   * @param label the label, at most 12 characters
   * @param protofile a prototype file for the contents, or {@code null} for an empty file system
   */
  public record Options(Path image, UUID uuid, String label, Path protofile) {
    public Options {
      Objects.requireNonNull(image, "image");
      Objects.requireNonNull(uuid, "uuid");
      Objects.requireNonNull(label, "label");
      if (label.length() > 12) {
        throw new IllegalArgumentException("an XFS label has at most 12 characters: '" + label + "'");
      }
    }
  }

  private MkfsXfs() {}

  public static ToolCall call(Options o) {
    List<String> argv =
        new ArrayList<>(
            List.of("mkfs.xfs", "-q", "-m", "uuid=" + o.uuid(), "-L", o.label()));
    if (o.protofile() != null) {
      argv.add("-p");
      argv.add(o.protofile().toString());
    }
    argv.add(o.image().toString());
    return ToolCall.of(argv, TIMEOUT);
  }
}
