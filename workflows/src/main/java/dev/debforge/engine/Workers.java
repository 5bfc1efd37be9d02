package dev.debforge.engine;

import dev.debforge.activity.PlanActivities;
import dev.debforge.activity.StageActivity;
import dev.debforge.activity.StageRuntime;
import dev.debforge.workflow.ImageBuildWorkflowImpl;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;

/** Registers debforge's workflow and activities on a worker. */
public final class Workers {

  private Workers() {}

  /**
   * Options every debforge worker uses. A zero sticky schedule-to-start timeout makes a workflow
   * whose worker died continue on another at once; without it the Java test server waits forever
   * on the dead worker's sticky queue.
   */
  public static WorkerOptions options(int maxConcurrentSteps) {
    return WorkerOptions.newBuilder()
        .setStickyQueueScheduleToStartTimeout(Duration.ZERO)
        .setMaxConcurrentActivityExecutionSize(maxConcurrentSteps)
        .build();
  }

  public static Worker register(
      WorkerFactory factory,
      String taskQueue,
      StageRuntime runtime,
      PlanActivities planner,
      int maxConcurrentSteps) {
    Worker worker = factory.newWorker(taskQueue, options(maxConcurrentSteps));
    worker.registerWorkflowImplementationTypes(ImageBuildWorkflowImpl.class);
    worker.registerActivitiesImplementations(planner, new StageActivity(runtime));
    return worker;
  }
}
