package dev.debforge.disk;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Makes a btrfs file system in a file from a directory ({@code mkfs.btrfs --rootdir}), without
 * mounting. The file must already exist at the partition's size.
 */
public final class MkfsBtrfs {

  public static final Duration TIMEOUT = Duration.ofMinutes(30);

  /**
   * @param sourceDir the directory whose contents become the file system's root
   * @param image the file to format
   * @param uuid the file system UUID
   * @param label the label, at most 255 bytes
   */
  public record Options(Path sourceDir, Path image, UUID uuid, String label) {
    public Options {
      Objects.requireNonNull(sourceDir, "sourceDir");
      Objects.requireNonNull(image, "image");
      Objects.requireNonNull(uuid, "uuid");
      Objects.requireNonNull(label, "label");
      if (label.length() > 255) {
        throw new IllegalArgumentException("a btrfs label has at most 255 bytes");
      }
    }
  }

  private MkfsBtrfs() {}

  public static ToolCall call(Options o) {
    return ToolCall.of(
        List.of(
            "mkfs.btrfs",
            "--rootdir", o.sourceDir().toString(),
            "-U", o.uuid().toString(),
            "-L", o.label(),
            o.image().toString()),
        TIMEOUT);
  }
}
