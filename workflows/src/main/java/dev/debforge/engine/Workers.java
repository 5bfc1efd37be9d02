package dev.debforge.engine;

import dev.debforge.activity.BuildEvents;
import dev.debforge.activity.IndexActivities;
import dev.debforge.activity.IndexActivitiesImpl;
import dev.debforge.activity.PlanActivities;
import dev.debforge.activity.StageActivity;
import dev.debforge.activity.StageRuntime;
import dev.debforge.process.HostTools;
import dev.debforge.workflow.ImageBuildWorkflowImpl;
import dev.debforge.workflow.MultiArchBuildWorkflowImpl;
import io.temporal.activity.DynamicActivity;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One debforge worker process on a {@link WorkerFactory}: the workflow on
 * {@link TaskQueues#WORKFLOWS}, the claim on each architecture's queue, and the plan and stages on
 * the process's own queue. The factory is started by the caller.
 */
public final class Workers {

  /**
   * How often a worker looks for builds that hold one of its slots but ended without giving it
   * back: a terminated or timed-out workflow runs none of its own code, so no release comes. A
   * slot is freed when two sweeps in a row see its build ended, so that a step of the build
   * still running here has had a heartbeat refused, and stopped, before another build comes.
   */
  public static final Duration SWEEP_EVERY = Duration.ofSeconds(30);

  /** The most steps of one build a worker runs at once unless told otherwise. */
  public static final int MAX_DEFAULT_STEPS_AT_ONCE = 4;

  /** The states in which a workflow runs no more code; anything else may still release. */
  private static final Set<WorkflowExecutionStatus> ENDED =
      EnumSet.of(
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW);

  private static final Logger LOG = Logger.getLogger(Workers.class.getName());

  private final String workerId;
  private final HostLease lease;
  private final BuildSlots slots;
  private final List<Worker> claimWorkers;
  private final WorkflowClient client;
  private final Set<String> seenEnded = new HashSet<>();

  private Workers(
      String workerId,
      HostLease lease,
      BuildSlots slots,
      List<Worker> claimWorkers,
      WorkflowClient client) {
    this.workerId = workerId;
    this.lease = lease;
    this.slots = slots;
    this.claimWorkers = claimWorkers;
    this.client = client;
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
        .setMaxHeartbeatThrottleInterval(HEARTBEAT_SENT_EVERY)
        .build();
  }

  /**
   * How often a running step's heartbeat reaches the service, at the most. The SDK otherwise
   * sends one every 0.8 heartbeat timeouts (16 s of a step's 20), so a worker busy for 4 s more
   * (two processors, a boot under software emulation beside the build) lost its step to a
   * heartbeat timeout, and the step ran twice at once. Every 5 s leaves 15 s.
   */
  public static final Duration HEARTBEAT_SENT_EVERY = Duration.ofSeconds(5);

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
    return register(factory, architectures, runtime, planner, maxBuilds, defaultStepsAtOnce());
  }

  /**
   * Registers a worker process.
   *
   * @param architectures the Debian architectures this worker builds for
   * @param maxBuilds how many builds it runs at once
   * @param stepsAtOnce how many independent steps of one build it runs at once
   */
  public static Workers register(
      WorkerFactory factory,
      Collection<String> architectures,
      StageRuntime runtime,
      PlanActivities planner,
      int maxBuilds,
      int stepsAtOnce) {
    return register(
        factory, architectures, new StageActivity(runtime), planner,
        new IndexActivitiesImpl(runtime.events(), runtime.store().root().resolve("tmp")),
        maxBuilds, stepsAtOnce, SWEEP_EVERY,
        runtime.registry().capabilities());
  }

  /**
   * Registers a worker process whose stages are the given dynamic activity, as tests script
   * them.
   *
   * @param sweepEvery how often to free the slots of builds that ended without releasing them
   *     (see {@link #SWEEP_EVERY}), or {@link Duration#ZERO} to leave that to {@link
   *     #releaseEndedBuilds} calls
   */
  public static Workers register(
      WorkerFactory factory,
      Collection<String> architectures,
      DynamicActivity stages,
      PlanActivities planner,
      int maxBuilds,
      Duration sweepEvery) {
    return register(factory, architectures, stages, planner,
        new IndexActivitiesImpl(BuildEvents.NONE, Path.of(System.getProperty("java.io.tmpdir"))),
        maxBuilds, sweepEvery, List.of());
  }

  /**
   * Registers a worker process that offers builds these capabilities (see {@link
   * Capabilities}); a build needing one it lacks is left to other workers.
   */
  public static Workers register(
      WorkerFactory factory,
      Collection<String> architectures,
      DynamicActivity stages,
      PlanActivities planner,
      IndexActivities index,
      int maxBuilds,
      Duration sweepEvery,
      List<String> offered) {
    return register(factory, architectures, stages, planner, index, maxBuilds,
        defaultStepsAtOnce(), sweepEvery, offered);
  }

  /**
   * How many independent steps of one build a worker runs at once unless told: one per
   * processor, at most {@link #MAX_DEFAULT_STEPS_AT_ONCE}. The steps that can run together are
   * the disk conversions and publishes of a build with several types; each is mostly one tool on
   * one core.
   */
  public static int defaultStepsAtOnce() {
    return Math.max(1,
        Math.min(MAX_DEFAULT_STEPS_AT_ONCE, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Registers a worker process.
   *
   * @param stepsAtOnce how many independent steps of one build it runs at once
   */
  public static Workers register(
      WorkerFactory factory,
      Collection<String> architectures,
      DynamicActivity stages,
      PlanActivities planner,
      IndexActivities index,
      int maxBuilds,
      int stepsAtOnce,
      Duration sweepEvery,
      List<String> offered) {
    if (stepsAtOnce < 1) {
      throw new IllegalArgumentException("steps at once must be at least 1: " + stepsAtOnce);
    }
    String workerId = newWorkerId();
    HostLease lease =
        new HostLease(TaskQueues.forWorker(workerId), HostTools.hostName() + " pid "
            + ProcessHandle.current().pid(), stepsAtOnce);
    BuildSlots slots = new BuildSlots(maxBuilds);
    HostActivities host = new HostActivitiesImpl(lease, slots, offered);

    Worker workflows = factory.newWorker(TaskQueues.WORKFLOWS, options(1));
    workflows.registerWorkflowImplementationTypes(
        ImageBuildWorkflowImpl.class, MultiArchBuildWorkflowImpl.class);

    List<Worker> claimWorkers = new ArrayList<>();
    for (String architecture : architectures) {
      Worker claims =
          factory.newWorker(TaskQueues.forArchitecture(architecture), options(1));
      claims.registerActivitiesImplementations(host);
      claimWorkers.add(claims);
    }
    // Each build runs at most stepsAtOnce steps at a time, so its own steps never wait for a slot
    // here; the two extra slots are for releases and plans.
    Worker own =
        factory.newWorker(lease.taskQueue(), options(maxBuilds * stepsAtOnce + 2));
    own.registerActivitiesImplementations(planner, host, stages, index);

    Workers workers =
        new Workers(
            workerId, lease, slots, List.copyOf(claimWorkers), factory.getWorkflowClient());
    slots.listen(workers::pauseClaims);
    if (!sweepEvery.isZero()) {
      workers.sweepWhile(factory, sweepEvery);
    }
    return workers;
  }

  /** Sweeps the slots periodically until the factory shuts down. */
  private void sweepWhile(WorkerFactory factory, Duration sweepEvery) {
    ScheduledExecutorService sweeper =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "debforge-slot-sweep");
              thread.setDaemon(true);
              return thread;
            });
    long every = sweepEvery.toMillis();
    sweeper.scheduleWithFixedDelay(
        () -> {
          if (factory.isShutdown() || factory.isTerminated()) {
            sweeper.shutdown();
            return;
          }
          try {
            if (factory.isStarted()) {
              releaseEndedBuilds();
            }
          } catch (RuntimeException e) {
            // A task that throws is never run again: log and sweep next time.
            LOG.log(Level.WARNING, "the slot sweep failed; it runs again in " + sweepEvery, e);
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  /**
   * One sweep: gives back the slots of builds that this sweep and the one before saw ended or
   * gone. A build whose state the service cannot tell now keeps its slot.
   *
   * @return the builds whose slots were given back
   */
  public synchronized List<String> releaseEndedBuilds() {
    List<String> held = slots.builds();
    seenEnded.retainAll(held);
    List<String> released = new ArrayList<>();
    for (String buildId : held) {
      String ended;
      try {
        WorkflowExecutionStatus status =
            client.newUntypedWorkflowStub(buildId).describe().getStatus();
        ended = ENDED.contains(status) ? status.name() : null;
      } catch (WorkflowNotFoundException e) {
        ended = "not found";
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "cannot tell whether build " + buildId + " still runs", e);
        continue;
      }
      if (ended == null) {
        seenEnded.remove(buildId);
      } else if (!seenEnded.add(buildId)) {
        seenEnded.remove(buildId);
        slots.release(buildId);
        released.add(buildId);
        LOG.info("build " + buildId + " ended without giving its slot back (" + ended
            + "); the slot is free again");
      }
    }
    return released;
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
