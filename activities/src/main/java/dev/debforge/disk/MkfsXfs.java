package dev.debforge.disk;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes an XFS file system in a file with {@code mkfs.xfs}, filled from a directory.
 *
 * <p>{@code -p file=DIR} copies a directory with its owners, modes, timestamps, xattrs and hard
 * links: xfsprogs 6.17 added it and 7.1 fixed its hard-link detection, so {@link #MINIMUM} is
 * 7.1. Debian 12's 6.1 only reads prototype files, which lose hard links and xattrs, so the
 * partition stage runs a newer mkfs.xfs from a {@code tools} tree. A
 * new mkfs.xfs turns on features an older kernel cannot mount; xfsprogs ships one configuration
 * per long-term kernel ({@code lts_6.1.conf}, …) and {@link #ltsConfig} picks the one for the
 * image's kernel.
 */
public final class MkfsXfs {

  public static final Duration TIMEOUT = Duration.ofMinutes(30);

  /** Where xfsprogs keeps its per-kernel configurations. */
  public static final String CONFIG_DIR = "/usr/share/xfsprogs/mkfs";

  /** The first xfsprogs whose directory import keeps hard links. */
  public static final List<Integer> MINIMUM = List.of(7, 1);

  private static final Pattern VERSION = Pattern.compile("mkfs\\.xfs version (\\d+)\\.(\\d+)\\S*");
  private static final Pattern LTS = Pattern.compile("lts_(\\d+)\\.(\\d+)\\.conf");
  private static final Pattern KERNEL = Pattern.compile("(\\d+)\\.(\\d+).*");

  /**
   * @param sourceDir the directory whose contents become the file system's root
   * @param image the file to format, already at the partition's size
   * @param uuid the file system UUID
   * @param label the label, at most 12 characters
   * @param config a mkfs.xfs configuration file ({@code -c options=}), or null for the defaults
   */
  public record Options(Path sourceDir, Path image, UUID uuid, String label, Path config) {
    public Options {
      Objects.requireNonNull(sourceDir, "sourceDir");
      Objects.requireNonNull(image, "image");
      Objects.requireNonNull(uuid, "uuid");
      Objects.requireNonNull(label, "label");
      if (label.length() > 12) {
        throw new IllegalArgumentException(
            "an XFS label has at most 12 characters: '" + label + "'");
      }
    }
  }

  private MkfsXfs() {}

  public static ToolCall call(Options o) {
    List<String> argv = new ArrayList<>(List.of("mkfs.xfs", "-q"));
    if (o.config() != null) {
      argv.add("-c");
      argv.add("options=" + o.config());
    }
    argv.addAll(
        List.of(
            "-m", "uuid=" + o.uuid(),
            "-L", o.label(),
            "-p", "file=" + o.sourceDir(),
            o.image().toString()));
    return ToolCall.of(argv, TIMEOUT);
  }

  /** {@code mkfs.xfs -V}, which prints its version. */
  public static ToolCall version() {
    return ToolCall.of(List.of("mkfs.xfs", "-V"), Duration.ofMinutes(1));
  }

  /**
   * Checks what {@link #version()} printed.
   *
   * @return the version, as printed
   * @throws IllegalArgumentException if it is older than {@link #MINIMUM} or cannot be read
   */
  public static String requireMinimum(String versionOutput) {
    Matcher m = VERSION.matcher(versionOutput.strip());
    if (!m.find()) {
      throw new IllegalArgumentException(
          "cannot read the version of mkfs.xfs from '" + versionOutput.strip() + "'");
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    String version = m.group().substring("mkfs.xfs version ".length());
    if (major < MINIMUM.get(0) || major == MINIMUM.get(0) && minor < MINIMUM.get(1)) {
      throw new IllegalArgumentException(
          "mkfs.xfs " + version + " is older than " + MINIMUM.get(0) + "." + MINIMUM.get(1)
              + ", the first whose directory import keeps hard links");
    }
    return version;
  }

  /**
   * The configuration for a kernel: the newest {@code lts_X.Y.conf} not newer than the kernel's
   * X.Y, so the file system uses no feature the kernel lacks.
   *
   * @param available file names in {@link #CONFIG_DIR}
   * @param kernelVersion the image's kernel, as in {@code /usr/lib/modules/VERSION}
   * @return the file name, or empty if the kernel is older than every configuration
   */
  public static Optional<String> ltsConfig(Collection<String> available, String kernelVersion) {
    Matcher k = KERNEL.matcher(kernelVersion);
    if (!k.matches()) {
      throw new IllegalArgumentException("not a kernel version: '" + kernelVersion + "'");
    }
    int kernel = Integer.parseInt(k.group(1)) * 1000 + Integer.parseInt(k.group(2));
    String best = null;
    int bestVersion = -1;
    for (String name : available) {
      Matcher m = LTS.matcher(name);
      if (m.matches()) {
        int version = Integer.parseInt(m.group(1)) * 1000 + Integer.parseInt(m.group(2));
        if (version <= kernel && version > bestVersion) {
          best = name;
          bestVersion = version;
        }
      }
    }
    return Optional.ofNullable(best);
  }
}
