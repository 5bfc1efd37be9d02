package dev.debforge.cli;

import dev.debforge.activity.BuiltinStages;
import dev.debforge.activity.PlanActivitiesImpl;
import dev.debforge.activity.StageRuntime;
import dev.debforge.engine.EmbeddedEngine;
import dev.debforge.stage.hook.HookStage;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.PrintWriter;

/**
 * The engine a command talks to: a Temporal service given with {@code --temporal}, or an
 * embedded one with a worker in this process.
 */
final class BuildSession implements AutoCloseable {

  private final WorkflowClient client;
  private final AutoCloseable closer;
  private final ConsoleEvents events;

  private BuildSession(WorkflowClient client, AutoCloseable closer, ConsoleEvents events) {
    this.client = client;
    this.closer = closer;
    this.events = events;
  }

  static BuildSession open(GlobalOptions options, String architecture, PrintWriter err) {
    if (options.temporal != null) {
      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(options.temporal).build());
      return new BuildSession(WorkflowClient.newInstance(service), service::shutdown, null);
    }
    ConsoleEvents events = new ConsoleEvents(err, !options.quiet(), options.verbose, false);
    StageRuntime runtime = runtime(options, events);
    EmbeddedEngine engine =
        EmbeddedEngine.start(architecture, runtime, new PlanActivitiesImpl(runtime.registry()));
    return new BuildSession(engine.client(), engine, events);
  }

  /**
   * The in-process worker's console events, which the command following a build holds back
   * until it has announced each step; null when the worker runs elsewhere.
   */
  ConsoleEvents events() {
    return events;
  }

  /**
   * The stages of a standalone worker, on the store of --store, reporting progress (and with -v
   * the tools' lines) and each failed step on standard error.
   */
  static StageRuntime workerRuntime(GlobalOptions options, PrintWriter err) {
    return runtime(options, new ConsoleEvents(err, !options.quiet(), options.verbose, true));
  }

  /**
   * The built-in stages on the store of --store, and the hook stage, which lives in its own
   * module so that activities do not depend on GraalVM.
   */
  private static StageRuntime runtime(GlobalOptions options, ConsoleEvents events) {
    return new StageRuntime(
        options.openStore(), BuiltinStages.registry().add(new HookStage()), events);
  }

  WorkflowClient client() {
    return client;
  }

  @Override
  public void close() throws Exception {
    closer.close();
  }
}
