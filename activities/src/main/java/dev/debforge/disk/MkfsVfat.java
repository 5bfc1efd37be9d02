package dev.debforge.disk;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Makes the FAT32 file system of the ESP in a file with dosfstools' {@code mkfs.vfat}. The file
 * must already exist at the partition's size ({@code truncate}); files are then copied in with
 * {@link Mtools}. FAT32 needs at least about 33 MiB with 512-byte sectors.
 */
public final class MkfsVfat {

  public static final Duration TIMEOUT = Duration.ofMinutes(2);

  /**
   * @param image the file to format
   * @param volumeId eight hex digits ({@code mkfs.vfat -i}); fstab writes it as XXXX-XXXX
   * @param label the volume label, at most 11 characters
   * @param invariant whether to use constants for time-based and random values (dosfstools
   *     4.2's {@code --invariant}), for reproducible images; it also forces the volume id to
   *     1234-ABCD whatever {@code volumeId} says (checked with blkid), so a disk whose fstab
   *     names its ESP by id must not use it
   */
  public record Options(Path image, String volumeId, String label, boolean invariant) {
    public Options {
      Objects.requireNonNull(image, "image");
      Objects.requireNonNull(label, "label");
      if (volumeId == null || !volumeId.matches("[0-9A-Fa-f]{8}")) {
        throw new IllegalArgumentException(
            "a FAT volume id is eight hex digits, such as 1234ABCD: " + volumeId);
      }
      if (label.length() > 11 || !label.matches("[\\x20-\\x7E]*")) {
        throw new IllegalArgumentException(
            "a FAT label has at most 11 printable ASCII characters: '" + label + "'");
      }
    }
  }

  private MkfsVfat() {}

  public static ToolCall call(Options o) {
    List<String> argv =
        new ArrayList<>(List.of("mkfs.vfat", "-F", "32", "-i", o.volumeId(), "-n", o.label()));
    if (o.invariant()) {
      argv.add("--invariant");
    }
    argv.add(o.image().toString());
    return ToolCall.of(argv, TIMEOUT);
  }
}
