package dev.debforge.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code debforge wait ID}: follows a build to its end, like compose and build do. */
@Command(
    name = "wait",
    mixinStandardHelpOptions = true,
    description = {
      "Follow a submitted build to its end and print its result.",
      "Exits with the build's code: 0 done, 1 failed or cancelled, 2 bad input."
    })
final class WaitCommand implements Callable<Integer> {

  @Parameters(paramLabel = "ID", description = "The build id 'submit' printed.")
  String buildId;

  @Mixin GlobalOptions global = new GlobalOptions();
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Builds.checkedId(buildId);
    try (Builds.Connection connection = Builds.connect(global)) {
      Builds.Entry entry = StatusCommand.requireKnown(connection, buildId);
      long age = Duration.between(entry.started(), Instant.now()).toNanos();
      return new BuildRunner(global, spec.commandLine().getOut(), spec.commandLine().getErr())
          .await(connection.client(), buildId, System.nanoTime() - age);
    }
  }
}
