package dev.debforge.engine;

import dev.debforge.activity.PlanActivities;
import dev.debforge.activity.StageActivity;
import dev.debforge.activity.StageRuntime;
import dev.debforge.process.HostTools;
import dev.debforge.workflow.ImageBuildWorkflowImpl;
import io.temporal.activity.DynamicActivity;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * One debforge worker process on a {@link WorkerFactory}: the workflow on
 * {@link TaskQueues#WORKFLOWS}, the claim on each architecture's queue, and the plan and stages on
 * the process's own queue. The factory is started by the caller.
 */
public final class Workers {

  private final String workerId;
  private final HostLease lease;
  private final BuildSlots slots;
  private final List<Worker> claimWorkers;

  private Workers(String workerId, HostLease lease, BuildSlots slots, List<Worker> claimWorkers) {
    this.workerId = workerId;
    this.lease = lease;
    this.slots = slots;
    this.claimWorkers = claimWorkers;
  }

  /**
   * Options every debforge worker uses. A zero sticky schedule-to-start timeout makes a workflow
   * whose worker died continue on another at once; without it the Java test server waits forever
   * on the dead worker's sticky queue.
   */
  public static WorkerOptions options(int maxConcurrentActivities) {
    return WorkerOptions.newBuilder()
        .setStickyQueueScheduleToStartTimeout(Duration.ZERO)
        .setMaxConcurrentActivityExecutionSize(maxConcurrentActivities)
        .build();
  }

  /**
   * Registers a worker process.
   *
   * @param architectures the Debian architectures this worker builds for
   * @param maxBuilds how many builds it runs at once
   */
  public static Workers register(
      WorkerFactory factory,
      Collection<String> architectures,
      StageRuntime runtime,
      PlanActivities planner,
      int maxBuilds) {
    return register(factory, architectures, new StageActivity(runtime), planner, maxBuilds);
  }

  /**
   * Registers a worker process whose stages are the given dynamic activity, as tests script
   * them.
   */
  public static Workers register(
      WorkerFactory factory,
      Collection<String> architectures,
      DynamicActivity stages,
      PlanActivities planner,
      int maxBuilds) {
    String workerId = newWorkerId();
    HostLease lease =
        new HostLease(TaskQueues.forWorker(workerId), HostTools.hostName() + " pid "
            + ProcessHandle.current().pid());
    BuildSlots slots = new BuildSlots(maxBuilds);
    HostActivities host = new HostActivitiesImpl(lease, slots);

    Worker workflows = factory.newWorker(TaskQueues.WORKFLOWS, options(1));
    workflows.registerWorkflowImplementationTypes(ImageBuildWorkflowImpl.class);

    List<Worker> claimWorkers = new ArrayList<>();
    for (String architecture : architectures) {
      Worker claims =
          factory.newWorker(TaskQueues.forArchitecture(architecture), options(1));
      claims.registerActivitiesImplementations(host);
      claimWorkers.add(claims);
    }
    // Each build runs one step at a time, so its own steps never wait for a slot here; the two
    // extra slots are for releases and plans.
    Worker own = factory.newWorker(lease.taskQueue(), options(maxBuilds + 2));
    own.registerActivitiesImplementations(planner, host, stages);

    Workers workers = new Workers(workerId, lease, slots, List.copyOf(claimWorkers));
    slots.listen(workers::pauseClaims);
    return workers;
  }

  private void pauseClaims(boolean full) {
    for (Worker worker : claimWorkers) {
      if (full) {
        worker.suspendPolling();
      } else {
        worker.resumePolling();
      }
    }
  }

  public String workerId() {
    return workerId;
  }

  public HostLease lease() {
    return lease;
  }

  public BuildSlots slots() {
    return slots;
  }

  private static String newWorkerId() {
    String host = HostTools.hostName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
    return host + "-" + ProcessHandle.current().pid() + "-"
        + UUID.randomUUID().toString().substring(0, 4);
  }
}
