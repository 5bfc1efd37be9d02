package dev.debforge.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Names for what is written beside its destination and renamed into place once whole, so that a
 * destination is never seen half-written: {@code .NAME.partial-PID-RANDOM}.
 *
 * <p>The pid lets a later writer remove what a killed process left ({@link #removeOrphans}); the
 * random part keeps two writers of one process apart: a step whose attempt timed out may still
 * be writing while the workflow's next attempt of it runs on the same worker.
 */
public final class PartialFiles {

  private PartialFiles() {}

  /** A name beside {@code target} that no other writer uses. */
  public static Path beside(Path target) {
    byte[] random = new byte[6];
    ThreadLocalRandom.current().nextBytes(random);
    return target.resolveSibling(prefix(target) + ProcessHandle.current().pid() + "-"
        + HexFormat.of().formatHex(random));
  }

  /**
   * Deletes the partial copies of {@code target} whose writer is no longer alive; those of live
   * processes (this one's included) are theirs to finish or remove.
   */
  public static void removeOrphans(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    String prefix = prefix(target);
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!name.startsWith(prefix)) {
          continue;
        }
        String rest = name.substring(prefix.length());
        int dash = rest.indexOf('-');
        long pid;
        try {
          pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
        } catch (NumberFormatException notOurs) {
          continue;
        }
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          Trees.delete(entry);
        }
      }
    }
  }

  private static String prefix(Path target) {
    return "." + target.getFileName() + ".partial-";
  }
}
