package dev.debforge.stage.ostreecommit;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Command lines of the ostree tool. */
public final class Ostree {

  static final Duration TIMEOUT = Duration.ofMinutes(30);

  private Ostree() {}

  public static ToolCall init(Path repo, String mode) {
    return ToolCall.of(List.of("ostree", "--repo=" + repo, "init", "--mode=" + mode), TIMEOUT);
  }

  /** Commits {@code tree} as a bootable commit on {@code options.ref()}. */
  public static ToolCall commit(Path repo, Path tree, OstreeCommitOptions options) {
    List<String> argv = new ArrayList<>();
    argv.add("ostree");
    argv.add("--repo=" + repo);
    argv.add("commit");
    argv.add("--branch=" + options.ref());
    argv.add("--tree=dir=" + tree);
    argv.add("--bootable");
    argv.add("--fsync=false");
    if (options.adopt()) {
      argv.add("--consume");
    }
    if (options.subject() != null) {
      argv.add("--subject=" + options.subject());
    }
    if (options.version() != null) {
      argv.add("--add-metadata-string=version=" + options.version());
    }
    if (options.timestamp() != null) {
      argv.add("--timestamp=@" + options.timestamp());
    }
    return ToolCall.of(argv, TIMEOUT);
  }

  public static ToolCall revParse(Path repo, String ref) {
    return ToolCall.of(List.of("ostree", "--repo=" + repo, "rev-parse", ref), TIMEOUT);
  }
}
