package dev.debforge.cli;

import dev.debforge.activity.BuiltinStages;
import dev.debforge.activity.PlanActivitiesImpl;
import dev.debforge.activity.StageRuntime;
import dev.debforge.engine.EmbeddedEngine;
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

  private BuildSession(WorkflowClient client, AutoCloseable closer) {
    this.client = client;
    this.closer = closer;
  }

  static BuildSession open(GlobalOptions options, String architecture, PrintWriter err) {
    if (options.temporal != null) {
      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(options.temporal).build());
      return new BuildSession(WorkflowClient.newInstance(service), service::shutdown);
    }
    StageRuntime runtime = runtime(options, err);
    EmbeddedEngine engine =
        EmbeddedEngine.start(architecture, runtime, new PlanActivitiesImpl(runtime.registry()));
    return new BuildSession(engine.client(), engine);
  }

  /**
   * The stages of an in-process worker, on the store of --store, reporting progress (and with -v
   * the tools' lines) on standard error.
   */
  static StageRuntime runtime(GlobalOptions options, PrintWriter err) {
    return runtime(options, err, false);
  }

  /** The stages, the store and the console events; a worker also prints the failed steps. */
  static StageRuntime runtime(GlobalOptions options, PrintWriter err, boolean printFailures) {
    return new StageRuntime(
        options.openStore(),
        BuiltinStages.registry(),
        new ConsoleEvents(err, !options.quiet(), options.verbose, printFailures));
  }

  WorkflowClient client() {
    return client;
  }

  @Override
  public void close() throws Exception {
    closer.close();
  }
}
