package dev.debforge.stage.publishostree;

import dev.debforge.plugin.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a directory given as the published repository is: nothing yet (debforge creates an
 * archive repository there), an archive repository (debforge adds to it), or something debforge
 * must not write into. Read from the directory alone, so the CLI can check it before a build
 * starts and the stage again before it writes.
 */
public final class ArchiveRepository {

  /** The modes whose objects a static web server can hand to {@code ostree pull}. */
  static final List<String> SERVABLE_MODES = List.of("archive", "archive-z2");

  private static final String HINT =
      "give a new or empty directory, where debforge creates an archive repository, or an"
          + " OSTree repository in archive mode (ostree --repo=DIR init --mode=archive)";

  private ArchiveRepository() {}

  /**
   * Returns true when {@code dir} has to be created as a repository (it does not exist or is an
   * empty directory), false when it is an archive repository already.
   *
   * @throws BadInputException naming the path when it is a file, a directory with other content,
   *     or a repository in a mode that cannot be served over HTTP
   */
  public static boolean needsInit(Path dir) throws BadInputException, IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    if (!Files.isDirectory(dir)) {
      throw new BadInputException(dir + " is not a directory", HINT);
    }
    try (Stream<Path> entries = Files.list(dir)) {
      if (entries.findAny().isEmpty()) {
        return true;
      }
    }
    Path config = dir.resolve("config");
    if (!Files.isRegularFile(config) || !Files.isDirectory(dir.resolve("objects"))) {
      throw new BadInputException(
          dir + " is not empty and is not an OSTree repository (it has no config file and"
              + " objects directory)",
          HINT);
    }
    String mode = mode(Files.readAllLines(config));
    if (!SERVABLE_MODES.contains(mode)) {
      throw new BadInputException(
          dir + " is an OSTree repository in " + mode + " mode; booted systems can pull over"
              + " HTTP only from one in archive mode",
          HINT);
    }
    return false;
  }

  /**
   * The {@code mode} key of the {@code [core]} group of a repository's config (a GLib key file);
   * ostree takes a repository without one as bare.
   */
  static String mode(List<String> configLines) {
    boolean core = false;
    for (String raw : configLines) {
      String line = raw.strip();
      if (line.startsWith("[")) {
        core = line.equals("[core]");
      } else if (core && line.startsWith("mode") && line.indexOf('=') > 0
          && line.substring(0, line.indexOf('=')).strip().equals("mode")) {
        return line.substring(line.indexOf('=') + 1).strip();
      }
    }
    return "bare";
  }
}
