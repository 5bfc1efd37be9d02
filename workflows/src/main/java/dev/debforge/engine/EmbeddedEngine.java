package dev.debforge.engine;

import dev.debforge.activity.PlanActivities;
import dev.debforge.activity.StageRuntime;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactoryOptions;
import java.util.List;

/**
 * The Temporal service and a worker in this process, for a CLI run with no server given: the
 * Java test server in real time (not time-skipping), which keeps its state in memory only.
 */
public final class EmbeddedEngine implements AutoCloseable {

  private final TestWorkflowEnvironment environment;

  private EmbeddedEngine(TestWorkflowEnvironment environment) {
    this.environment = environment;
  }

  /** An engine whose worker builds for these architectures. */
  public static EmbeddedEngine start(
      List<String> architectures, StageRuntime runtime, PlanActivities planner) {
    TestWorkflowEnvironment environment =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(false)
                .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder().build())
                .build());
    Workers.register(
        environment.getWorkerFactory(), architectures, runtime, planner, 2);
    environment.start();
    return new EmbeddedEngine(environment);
  }

  public WorkflowClient client() {
    return environment.getWorkflowClient();
  }

  /**
   * Stops the worker at once and finishes closing in the background. Temporal's close waits for
   * the worker's pollers to end, which now and then took five seconds here after the build was
   * over: every CLI run would pay it before exiting. The CLI exits meanwhile; a longer-lived
   * process (the tests) has the close complete on its own.
   */
  @Override
  public void close() {
    environment.shutdownNow();
    Thread closing = new Thread(environment::close, "debforge-engine-close");
    closing.setDaemon(true);
    closing.start();
  }
}
