package dev.debforge.cli;

import dev.debforge.activity.PlanActivitiesImpl;
import dev.debforge.activity.StageRuntime;
import dev.debforge.engine.TaskQueues;
import dev.debforge.engine.Workers;
import dev.debforge.extension.PluginReport;
import dev.debforge.process.HostTools;
import io.temporal.worker.WorkerFactory;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code debforge worker}: runs builds for a Temporal service until stopped. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Run builds for a Temporal service: 'debforge server' or a Temporal cluster.",
      "The worker takes builds of its architectures from the queues debforge-ARCH and runs",
      "each build's steps itself, in its store. SIGTERM stops it: running steps are killed and",
      "their builds move to another worker."
    })
final class WorkerCommand implements Callable<Integer> {

  @Option(
      names = "--arch",
      split = ",",
      paramLabel = "ARCH",
      description = "Architectures to build, comma-separated (default: this machine's).")
  List<String> architectures = new ArrayList<>();

  @Option(
      names = "--max-concurrent-builds",
      paramLabel = "N",
      defaultValue = "1",
      description = "Builds run at once (default: ${DEFAULT-VALUE}).")
  int maxBuilds;

  @Option(
      names = "--steps-at-once",
      paramLabel = "N",
      description = "Independent steps of one build run at once, such as the conversions of a"
          + " build with several disk types (default: one per processor, at most "
          + Workers.MAX_DEFAULT_STEPS_AT_ONCE + ").")
  Integer stepsAtOnce;

  @Mixin GlobalOptions global = new GlobalOptions();
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (maxBuilds < 1) {
      throw new UserError("--max-concurrent-builds must be at least 1");
    }
    if (stepsAtOnce != null && stepsAtOnce < 1) {
      throw new UserError("--steps-at-once must be at least 1");
    }
    int steps = stepsAtOnce != null ? stepsAtOnce : Workers.defaultStepsAtOnce();
    List<String> arches =
        architectures.isEmpty() ? List.of(HostTools.architecture()) : architectures;
    for (String arch : arches) {
      if (!List.of("amd64", "arm64").contains(arch)) {
        throw new UserError("--arch " + arch + " is not supported\nHint: use amd64 or arm64");
      }
    }
    try {
      HostTools.require(RunCommand.TOOLS);
    } catch (HostTools.MissingToolsException e) {
      throw new UserError(e.getMessage());
    }
    PrintWriter err = spec.commandLine().getErr();
    Builds.Connection connection = Builds.connect(global);
    StageRuntime runtime = BuildSession.workerRuntime(global, err);
    WorkerFactory factory = WorkerFactory.newInstance(connection.client());
    Workers workers =
        Workers.register(
            factory,
            arches,
            runtime,
            new PlanActivitiesImpl(runtime.registry(), runtime.store()),
            maxBuilds,
            steps);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // Steps stop and their tools die with the worker; Temporal moves their builds.
                  factory.shutdownNow();
                  ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
                  factory.awaitTermination(10, TimeUnit.SECONDS);
                  connection.service().shutdownNow();
                  stopped.countDown();
                },
                "debforge-worker-stop"));
    factory.start();
    err.println("debforge worker " + workers.workerId() + ": " + connection.target() + ", queues "
        + String.join(", ", arches.stream().map(TaskQueues::forArchitecture).toList())
        + " and " + workers.lease().taskQueue() + ", " + maxBuilds + " build(s) at a time"
        + " of up to " + steps + " step(s) at once,"
        + " store " + runtime.store().root());
    for (PluginReport report : runtime.registry().plugins()) {
      err.println("  plugin " + report.summary());
    }
    err.flush();
    stopped.await();
    return ExitCodes.DONE;
  }
}
