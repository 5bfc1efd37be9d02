package dev.debforge.disk;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes into a FAT file system with GNU mtools, without mounting. The file system may be a
 * file of its own (offset 0) or a partition inside a disk image: {@code -i IMAGE@@OFFSET}.
 *
 * <p>{@code MTOOLS_SKIP_CHECK=1} stops mtools refusing a file system whose geometry it would not
 * have chosen itself.
 */
public final class Mtools {

  public static final Duration TIMEOUT = Duration.ofMinutes(5);

  private static final Map<String, String> ENV = Map.of("MTOOLS_SKIP_CHECK", "1");

  private Mtools() {}

  /** Makes directories, parents first, such as {@code /EFI} then {@code /EFI/BOOT}. */
  public static ToolCall mkdir(Path image, long offsetBytes, List<String> directories) {
    if (directories.isEmpty()) {
      throw new IllegalArgumentException("mmd needs at least one directory");
    }
    List<String> argv = new ArrayList<>(List.of("mmd", "-i", target(image, offsetBytes)));
    for (String dir : directories) {
      argv.add(fatPath(dir));
    }
    return ToolCall.of(argv, TIMEOUT).withEnvironment(ENV);
  }

  /**
   * Copies a file or (recursively) a directory into the file system, preserving modification
   * times and stopping at the first error.
   *
   * @param destination an absolute path in the FAT file system, such as {@code /EFI/BOOT}
   */
  public static ToolCall copy(Path image, long offsetBytes, Path source, String destination) {
    return ToolCall.of(
            List.of(
                "mcopy",
                "-i", target(image, offsetBytes),
                "-s", "-p", "-Q",
                source.toString(),
                fatPath(destination)),
            TIMEOUT)
        .withEnvironment(ENV);
  }

  private static String target(Path image, long offsetBytes) {
    if (offsetBytes < 0) {
      throw new IllegalArgumentException("a partition offset cannot be negative: " + offsetBytes);
    }
    return offsetBytes == 0 ? image.toString() : image + "@@" + offsetBytes;
  }

  private static String fatPath(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a path in the FAT file system must be absolute: " + path);
    }
    return "::" + path;
  }
}
