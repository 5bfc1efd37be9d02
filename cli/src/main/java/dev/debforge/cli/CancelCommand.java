package dev.debforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code debforge cancel ID}: stops a build, its tools and its outputs. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = {
      "Cancel a build, kill its tools and leave nothing partial behind.",
      "The running step kills its tools and removes what it was writing from the output",
      "directory. Waits up to a minute for the build to stop."
    })
final class CancelCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(60);

  @Parameters(paramLabel = "ID", description = "The build id.")
  String buildId;

  @Mixin GlobalOptions global = new GlobalOptions();
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Builds.checkedId(buildId);
    try (Builds.Connection connection = Builds.connect(global)) {
      Builds.Entry entry = StatusCommand.requireKnown(connection, buildId);
      if (!entry.state().equals("running")) {
        throw new UserError("build " + buildId + " is already " + entry.state());
      }
      WorkflowStub stub = connection.client().newUntypedWorkflowStub(buildId);
      stub.cancel();
      long deadline = System.nanoTime() + WAIT.toNanos();
      String state = entry.state();
      while (System.nanoTime() < deadline) {
        state = Builds.find(connection, buildId).map(Builds.Entry::state).orElse("gone");
        if (!state.equals("running")) {
          break;
        }
        Thread.sleep(250);
      }
      if (global.json) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("buildId", buildId);
        json.put("state", state);
        spec.commandLine().getOut().println(JSON.writeValueAsString(json));
        spec.commandLine().getOut().flush();
      }
      if (state.equals("running")) {
        spec.commandLine().getErr().println("error: build " + buildId + " was asked to stop but"
            + " still runs after " + WAIT.toSeconds() + " s\nHint: is its worker alive? See"
            + " 'debforge status " + buildId + "'");
        return ExitCodes.FAILED;
      }
      spec.commandLine().getErr().println("build " + buildId + " " + state);
      return ExitCodes.DONE;
    }
  }
}
