package dev.debforge.cli;

import dev.debforge.activity.BuiltinStages;
import dev.debforge.activity.PlanActivitiesImpl;
import dev.debforge.activity.StageRegistry;
import dev.debforge.activity.StageRuntime;
import dev.debforge.engine.TaskQueues;
import dev.debforge.engine.Workers;
import dev.debforge.process.HostTools;
import dev.debforge.store.Store;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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

  @Mixin GlobalOptions global = new GlobalOptions();
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (maxBuilds < 1) {
      throw new UserError("--max-concurrent-builds must be at least 1");
    }
    List<String> arches = architectures.isEmpty() ? List.of(Host.architecture()) : architectures;
    for (String arch : arches) {
      if (!List.of("amd64", "arm64").contains(arch)) {
        throw new UserError("--arch " + arch + " is not supported\nHint: use amd64 or arm64");
      }
    }
    List<String> tools = new ArrayList<>(HostTools.COMPOSE);
    tools.addAll(BuildCommand.TOOLS);
    try {
      HostTools.require(tools);
    } catch (HostTools.MissingToolsException e) {
      throw new UserError(e.getMessage());
    }
    PrintWriter err = spec.commandLine().getErr();
    String target = global.temporal != null
        ? global.temporal
        : System.getenv().getOrDefault("DEBFORGE_TEMPORAL", Builds.DEFAULT_TEMPORAL);
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    try {
      service.healthCheck();
    } catch (RuntimeException e) {
      service.shutdownNow();
      throw new UserError(
          "no Temporal service answers at " + target + ": " + e.getMessage()
              + "\nHint: start one with 'debforge server' or point --temporal at a cluster");
    }
    Store store = new Store(global.store != null ? global.store : Store.defaultRoot());
    StageRegistry registry = BuiltinStages.registry();
    StageRuntime runtime =
        new StageRuntime(store, registry, new ConsoleEvents(err, !global.quiet(), global.verbose));
    WorkerFactory factory = WorkerFactory.newInstance(WorkflowClient.newInstance(service));
    Workers workers =
        Workers.register(factory, arches, runtime, new PlanActivitiesImpl(registry), maxBuilds);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // Steps stop and their tools die with the worker; Temporal moves their builds.
                  factory.shutdownNow();
                  ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
                  factory.awaitTermination(10, TimeUnit.SECONDS);
                  service.shutdownNow();
                  stopped.countDown();
                },
                "debforge-worker-stop"));
    factory.start();
    err.println("debforge worker " + workers.workerId() + ": " + target + ", queues "
        + String.join(", ", arches.stream().map(TaskQueues::forArchitecture).toList())
        + " and " + workers.lease().taskQueue() + ", " + maxBuilds + " build(s) at a time,"
        + " store " + store.root());
    err.flush();
    stopped.await();
    return ExitCodes.DONE;
  }
}
