package dev.debforge.stage.tools;

import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code tools}: unpacks Debian packages for the host into a tree, for programs newer than the
 * host's own (xfsprogs 6.1 in Debian 12 cannot fill an XFS file system from a directory; the
 * xfsprogs of a newer suite can). The packages are only unpacked ({@code mmdebstrap
 * --variant=extract}): no maintainer script runs and nothing is chrooted into; the programs run
 * through {@link dev.debforge.process.ToolTree}. The step is cached like any other, so a store
 * downloads them once.
 *
 * <p>Output: {@code root/}, the unpacked tree. Facts: {@code suite}, {@code packages}.
 */
public final class ToolsStage implements Stage<ToolsOptions> {

  public static final String ID = "tools";
  static final Duration TIMEOUT = Duration.ofMinutes(30);

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public Class<ToolsOptions> optionsType() {
    return ToolsOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, ToolsOptions options) throws Exception {
    context.progress(
        "unpacking " + String.join(", ", options.packages()) + " from Debian " + options.suite()
            + " for this " + options.hostArchitecture() + " host");
    context.tools().run(call(options, context.output().resolve("root")));
    return new StageOutput(
        Map.of("suite", options.suite(), "packages", String.join(",", options.packages())));
  }

  /** The mmdebstrap call that unpacks the packages and their dependencies into {@code target}. */
  static ToolCall call(ToolsOptions options, Path target) {
    List<String> argv = new ArrayList<>();
    argv.add("mmdebstrap");
    argv.add("--mode=root");
    argv.add("--format=directory");
    argv.add("--variant=extract");
    argv.add("--architectures=" + options.hostArchitecture());
    argv.add("--include=" + String.join(",", options.packages()));
    for (String option : options.aptOptions()) {
      argv.add("--aptopt=" + option);
    }
    argv.add(options.suite());
    argv.add(target.toString());
    argv.addAll(options.sources());
    return ToolCall.of(argv, TIMEOUT);
  }
}
