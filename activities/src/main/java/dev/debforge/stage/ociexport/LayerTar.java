package dev.debforge.stage.ociexport;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The GNU tar call that writes a root filesystem as an uncompressed OCI layer: numeric owners,
 * every xattr (file capabilities among them), PAX format, entries sorted and without access or
 * change times, so the same tree gives the same bytes.
 */
public final class LayerTar {

  /** Kept as directories, never with content: the kernel and systemd fill them at run time. */
  static final List<String> EMPTY_DIRS = List.of("dev", "proc", "sys", "run", "tmp");

  private LayerTar() {}

  public static ToolCall create(Path tree, Path tarFile, Long clampEpoch) {
    List<String> argv = new ArrayList<>();
    argv.add("tar");
    argv.add("--create");
    argv.add("--file=" + tarFile);
    argv.add("--directory=" + tree);
    argv.add("--format=pax");
    argv.add("--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime");
    argv.add("--numeric-owner");
    argv.add("--xattrs");
    argv.add("--xattrs-include=*");
    argv.add("--sort=name");
    if (clampEpoch != null) {
      argv.add("--mtime=@" + clampEpoch);
      argv.add("--clamp-mtime");
    }
    // Unanchored patterns would also drop e.g. usr/lib/modules/*/kernel/drivers/net/can/dev/.
    argv.add("--anchored");
    for (String dir : EMPTY_DIRS) {
      argv.add("--exclude=./" + dir + "/*");
    }
    argv.add(".");
    return ToolCall.of(argv, Duration.ofMinutes(30));
  }
}
