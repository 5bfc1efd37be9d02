package dev.debforge.workflow;

import dev.debforge.activity.Failures;
import dev.debforge.activity.PlanActivities;
import dev.debforge.engine.Capabilities;
import dev.debforge.engine.HostActivities;
import dev.debforge.engine.HostLease;
import dev.debforge.engine.TaskQueues;
import dev.debforge.plan.BuildPlan;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plan.PlannedStep;
import dev.debforge.plan.StepRequest;
import dev.debforge.plan.StepResult;
import dev.debforge.workflow.BuildStatus.StepStatus;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.ActivityStub;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Claims a worker of the build's architecture, plans the build there, then runs its steps in
 * order on that worker's own queue, each as the activity named by its stage id. The steps share
 * files through that worker's store, so they stay on one worker. When the worker is gone (a step
 * waits on its queue longer than {@link #WORKER_GONE_AFTER}) or a step's input is missing from
 * its store, the build claims another worker and is planned again there; steps whose outputs
 * that worker's store already has are cache hits.
 *
 * <p>Nothing here touches files, clocks or plugins: all of that is in the activities, so the
 * workflow replays from history alone.
 */
public class ImageBuildWorkflowImpl implements ImageBuildWorkflow {

  /**
   * How long a step may wait on a worker's own queue before that worker is taken as gone. A
   * claimed worker always has a free slot for the build's next step, so only a dead worker makes
   * a step wait.
   */
  static final Duration WORKER_GONE_AFTER = Duration.ofSeconds(30);

  /** How many times a build may move to another worker before it fails. */
  static final int MAX_MOVES = 5;

  /** How many times a plan or a step is tried on one worker. */
  static final int MAX_ATTEMPTS = 3;

  /**
   * The server retries no plan or step: the workflow does (see {@link #withRetries}), so that
   * every attempt is a new schedule with its own schedule-to-start timeout, and an attempt sent
   * to a dead worker's queue is noticed on any Temporal server, the Java test server included.
   */
  static final RetryOptions NO_SERVER_RETRY =
      RetryOptions.newBuilder().setMaximumAttempts(1).build();

  /** A claim that found its worker full is tried again, for as long as the build waits. */
  static final ActivityOptions CLAIM_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setBackoffCoefficient(1.5)
                  .setMaximumInterval(Duration.ofSeconds(5))
                  .setMaximumAttempts(0)
                  .build())
          .build();

  static final ActivityOptions PLAN_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(5))
          .setScheduleToStartTimeout(WORKER_GONE_AFTER)
          .setRetryOptions(NO_SERVER_RETRY)
          .build();

  /**
   * Stages heartbeat every few seconds while they run; a worker that stops doing so is taken as
   * lost, and the step is tried again. A cancelled build waits for its step to stop and kill its
   * tools.
   */
  static final ActivityOptions STAGE_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofHours(4))
          .setScheduleToStartTimeout(WORKER_GONE_AFTER)
          .setHeartbeatTimeout(Duration.ofSeconds(20))
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .setRetryOptions(NO_SERVER_RETRY)
          .build();

  /** How long a build that no worker can serve waits before it asks again, at the most. */
  static final Duration LACKING_RETRY_MAX = Duration.ofSeconds(30);

  static final ActivityOptions RELEASE_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setScheduleToStartTimeout(WORKER_GONE_AFTER)
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
          .build();

  /** The change that skips stored steps no running step reads ({@link BuildPlan#unneeded}). */
  static final String SKIP_UNNEEDED = "skip-unneeded-steps";

  /** The change that runs independent steps at once, as many as the worker offers. */
  static final String STEPS_AT_ONCE = "steps-at-once";

  private BuildPlan plan;
  private String worker;
  private final Map<String, StepStatus> states = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();
  /** A step of the running steps failed: the others are not tried again. */
  private boolean stepFailed;
  /** When the build started, in the workflow's time. */
  private long startedMillis;

  @Override
  public BuildResult build(BuildRequest request) {
    if (request.architecture() == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the request names no architecture", Failures.BAD_INPUT);
    }
    String buildId = Workflow.getInfo().getWorkflowId();
    startedMillis = Workflow.currentTimeMillis();
    HostActivities claims =
        Workflow.newActivityStub(
            HostActivities.class,
            ActivityOptions.newBuilder(CLAIM_OPTIONS)
                .setTaskQueue(TaskQueues.forArchitecture(request.architecture()))
                .build());
    for (int moves = 0; ; moves++) {
      // A build that was planned once needs the same plugin versions wherever it moves.
      List<String> needs = new ArrayList<>(request.needs());
      if (plan != null) {
        needs.addAll(Capabilities.pinned(plan.plugins()));
      }
      HostLease lease = claimServing(claims, buildId, needs);
      worker = lease.worker();
      boolean lost = false;
      try {
        return buildOn(lease, request, buildId);
      } catch (ActivityFailure failure) {
        if (!workerLost(failure) || moves >= MAX_MOVES) {
          throw cancelledOr(failure);
        }
        // A worker that did not answer is gone with its slots; one that lacked an input is alive.
        lost = failure.getCause() instanceof TimeoutFailure;
        notes.add(lost
            ? "worker " + lease.worker() + " was lost (" + reason(failure)
                + "); the build is planned again on another worker"
            : "an input of this build left the store of worker " + lease.worker()
                + " after the build was planned (" + reason(failure) + "); the build is planned"
                + " again");
        worker = null;
      } finally {
        if (!lost) {
          release(lease, buildId);
        }
      }
    }
  }

  /**
   * Claims a worker that has what the build needs. While the workers that answer lack a plugin or
   * output type, the build waits, and its status says which and why.
   */
  private HostLease claimServing(HostActivities claims, String buildId, List<String> needs) {
    Duration wait = Duration.ofSeconds(2);
    String waiting = null;
    while (true) {
      try {
        HostLease lease = claims.claim(buildId, needs);
        if (waiting != null) {
          notes.add("a worker with " + Capabilities.describe(needs) + " took the build");
        }
        return lease;
      } catch (ActivityFailure failure) {
        if (!(failure.getCause() instanceof ApplicationFailure app)
            || !HostActivities.LACKING.equals(app.getType())) {
          throw cancelledOr(failure);
        }
        String why = "waiting for a worker with " + Capabilities.describe(needs) + ": "
            + app.getOriginalMessage();
        if (!why.equals(waiting)) {
          notes.add(why);
          waiting = why;
        }
        Workflow.sleep(wait);
        wait = wait.multipliedBy(2).compareTo(LACKING_RETRY_MAX) > 0
            ? LACKING_RETRY_MAX : wait.multipliedBy(2);
      }
    }
  }

  private BuildResult buildOn(HostLease lease, BuildRequest request, String buildId) {
    PlanActivities planner =
        Workflow.newActivityStub(
            PlanActivities.class,
            ActivityOptions.newBuilder(PLAN_OPTIONS).setTaskQueue(lease.taskQueue()).build());
    stepFailed = false;
    plan = withRetries("the plan", () -> planner.plan(request));
    double planSeconds = (Workflow.currentTimeMillis() - startedMillis) / 1000.0;
    states.clear();
    for (PlannedStep step : plan.steps()) {
      states.put(step.name(), new StepStatus(step.name(), step.stage(), "pending", 0));
    }
    ActivityStub stages =
        Workflow.newUntypedActivityStub(
            ActivityOptions.newBuilder(STAGE_OPTIONS).setTaskQueue(lease.taskQueue()).build());
    // Histories from before plans carried what the store has run every step.
    int version = Workflow.getVersion(SKIP_UNNEEDED, Workflow.DEFAULT_VERSION, 1);
    Set<String> unneeded = version == Workflow.DEFAULT_VERSION ? Set.of() : plan.unneeded();
    // Histories from before it ran one step at a time.
    int parallel = Workflow.getVersion(STEPS_AT_ONCE, Workflow.DEFAULT_VERSION, 1);
    int atOnce = parallel == Workflow.DEFAULT_VERSION ? 1 : Math.max(1, lease.stepsAtOnce());
    Map<String, StepResult> done = runSteps(stages, buildId, unneeded, atOnce);
    List<StepResult> results = new ArrayList<>();
    List<Map<String, String>> artifacts = new ArrayList<>();
    for (PlannedStep step : plan.steps()) {
      StepResult result = done.get(step.name());
      results.add(result);
      // Publishing steps name what they wrote in the fact "artifact".
      if (!result.skipped() && result.facts().containsKey("artifact")) {
        artifacts.add(result.facts());
      }
    }
    return new BuildResult(plan.title(), plan.architecture(), results, artifacts, planSeconds);
  }

  /** A step that was started, and its result to come. */
  private record Started(PlannedStep step, Promise<StepResult> result) {}

  /**
   * Runs the plan's steps on the claimed worker, up to {@code atOnce} at a time: a step starts
   * once the steps it reads and those it waits for ({@link PlannedStep#after}) have ended, the
   * first in plan order first, so that one at a time is the plan's order. Once a step fails, no
   * other starts; those running end as they would (cancelling them would race with their
   * completion for nothing: they are short, and a conversion cut off is worth nothing), and the
   * build fails with the first failure seen.
   *
   * @return every step's result by name, the steps not needed among them as skipped
   */
  private Map<String, StepResult> runSteps(
      ActivityStub stages, String buildId, Set<String> unneeded, int atOnce) {
    Map<String, StepResult> done = new HashMap<>();
    List<PlannedStep> waiting = new ArrayList<>();
    for (PlannedStep step : plan.steps()) {
      if (!unneeded.contains(step.name())) {
        waiting.add(step);
        continue;
      }
      // Read by no step that runs: a stored one is reported as the cache hit it would be, one
      // the store lacks (a gc took it) as skipped.
      Map<String, String> facts = plan.stored().get(step.key());
      states.put(step.name(), new StepStatus(step.name(), step.stage(),
          facts != null ? "cached" : "skipped", 0));
      done.put(step.name(), new StepResult(step.name(), step.stage(), step.key(), facts != null,
          0, facts != null ? facts : Map.of(), true));
    }
    List<Started> running = new ArrayList<>();
    RuntimeException failure = null;
    RuntimeException cancellation = null;
    while (failure == null && !waiting.isEmpty() || !running.isEmpty()) {
      for (Iterator<PlannedStep> it = waiting.iterator();
          failure == null && running.size() < atOnce && it.hasNext(); ) {
        PlannedStep step = it.next();
        if (mayStart(step, done)) {
          it.remove();
          running.add(start(stages, buildId, step, done));
        }
      }
      if (running.isEmpty()) {
        // Only a plan whose step reads a later step, or one not in the plan, gets here.
        throw ApplicationFailure.newNonRetryableFailure(
            "no step of the plan can start: " + waiting.get(0).name() + " waits for "
                + waiting.get(0).inputs().values() + " and " + waiting.get(0).after(),
            Failures.BAD_INPUT);
      }
      try {
        Promise.anyOf(running.stream().map(Started::result).toList()).get();
      } catch (RuntimeException ended) {
        // Looked at below, step by step.
      }
      for (Iterator<Started> it = running.iterator(); it.hasNext(); ) {
        Started started = it.next();
        if (!started.result().isCompleted()) {
          continue;
        }
        it.remove();
        PlannedStep step = started.step();
        RuntimeException stepFailure = started.result().getFailure();
        if (stepFailure == null) {
          StepResult result = started.result().get();
          states.put(step.name(), new StepStatus(step.name(), step.stage(),
              result.cacheHit() ? "cached" : "done", result.seconds()));
          done.put(step.name(), result);
          continue;
        }
        boolean cancelled = cancelled(stepFailure);
        states.put(step.name(), new StepStatus(step.name(), step.stage(),
            cancelled ? "cancelled" : "failed", 0));
        stepFailed = true;
        if (failure == null) {
          failure = stepFailure;
        }
        if (cancelled && cancellation == null) {
          cancellation = stepFailure;
        }
      }
    }
    // A cancelled build ends as cancelled, though a step failed beside the cancellation.
    if (cancellation != null && CancellationScope.current().isCancelRequested()) {
      throw cancellation;
    }
    if (failure != null) {
      throw failure;
    }
    return done;
  }

  private static boolean cancelled(RuntimeException failure) {
    return failure instanceof CanceledFailure || failure.getCause() instanceof CanceledFailure;
  }

  /**
   * Whether the steps the step reads and waits for have ended. The planner keeps only names of
   * the plan in {@code after}; a name that is not ends in "no step of the plan can start".
   */
  private static boolean mayStart(PlannedStep step, Map<String, StepResult> done) {
    for (String input : step.inputs().values()) {
      if (!done.containsKey(input)) {
        return false;
      }
    }
    for (String before : step.after()) {
      if (!done.containsKey(before)) {
        return false;
      }
    }
    return true;
  }

  private Started start(
      ActivityStub stages, String buildId, PlannedStep step, Map<String, StepResult> done) {
    Map<String, StepResult> inputs = new HashMap<>();
    step.inputs().forEach((role, from) -> inputs.put(role, done.get(from)));
    StepRequest request = new StepRequest(buildId, plan.architecture(), step, inputs);
    states.put(step.name(), new StepStatus(step.name(), step.stage(), "running", 0));
    // A method of this class, not a lambda over the stub: Async takes a function whose target is
    // a stub as that one call, and would bypass the retries.
    return new Started(step, Async.function(this::execute, new StepCall(stages, request)));
  }

  /** A step's activity call, on the claimed worker's stub. */
  private record StepCall(ActivityStub stages, StepRequest request) {}

  private StepResult execute(StepCall call) {
    return withRetries(call.request().step().name(), () -> call.stages().execute(
        call.request().step().stage(), StepResult.class, call.request()));
  }

  /**
   * Runs the call up to {@link #MAX_ATTEMPTS} times, 2 s then 4 s apart, each retry in the
   * build's notes. Bad input, a missing input, a lost worker and a cancelled build are not tried
   * again here.
   */
  private <T> T withRetries(String what, Supplier<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (ActivityFailure failure) {
        // Once a step of the build failed, the steps running beside it are not tried again.
        if (attempt >= MAX_ATTEMPTS || !retryable(failure) || stepFailed) {
          throw failure;
        }
        Duration pause = Duration.ofSeconds(2L << (attempt - 1));
        notes.add(what + " failed on worker " + worker + " (attempt " + attempt + " of "
            + MAX_ATTEMPTS + ": " + attemptFailure(failure) + "); tried again in "
            + pause.toSeconds() + " s");
        Workflow.sleep(pause);
        if (stepFailed) {
          throw failure;
        }
      }
    }
  }

  /** Why an attempt failed, in one line, for a note. */
  private static String attemptFailure(ActivityFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof TimeoutFailure timeout) {
      return switch (timeout.getTimeoutType()) {
        case TIMEOUT_TYPE_HEARTBEAT -> "no heartbeat for "
            + STAGE_OPTIONS.getHeartbeatTimeout().toSeconds() + " s";
        case TIMEOUT_TYPE_START_TO_CLOSE -> "it ran out of time";
        default -> "timed out (" + timeout.getTimeoutType() + ")";
      };
    }
    String message = cause instanceof ApplicationFailure app
        ? app.getOriginalMessage() : String.valueOf(cause.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  static boolean retryable(ActivityFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof CanceledFailure) {
      return false;
    }
    if (cause instanceof TimeoutFailure timeout) {
      return timeout.getTimeoutType() != TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START;
    }
    if (cause instanceof ApplicationFailure app) {
      return !app.isNonRetryable() && !Failures.NON_RETRYABLE.contains(app.getType());
    }
    return true;
  }

  /** Gives the worker's slot back, even when the build was cancelled; a lost worker needs none. */
  private static void release(HostLease lease, String buildId) {
    Workflow.newDetachedCancellationScope(
            () -> {
              HostActivities host =
                  Workflow.newActivityStub(
                      HostActivities.class,
                      ActivityOptions.newBuilder(RELEASE_OPTIONS)
                          .setTaskQueue(lease.taskQueue())
                          .build());
              try {
                host.release(buildId);
              } catch (ActivityFailure gone) {
                // The worker is gone, and its slots with it.
              }
            })
        .run();
  }

  static boolean workerLost(ActivityFailure failure) {
    if (failure.getCause() instanceof TimeoutFailure timeout) {
      return timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START;
    }
    return failure.getCause() instanceof ApplicationFailure app
        && Failures.INPUT_MISSING.equals(app.getType());
  }

  private static String reason(ActivityFailure failure) {
    if (failure.getCause() instanceof TimeoutFailure) {
      return "no answer on its queue for " + WORKER_GONE_AFTER.toSeconds() + " s";
    }
    return failure.getCause() instanceof ApplicationFailure app
        ? app.getOriginalMessage()
        : failure.getCause().getMessage();
  }

  /** A cancelled build ends as cancelled, not as failed. */
  private static RuntimeException cancelledOr(ActivityFailure failure) {
    if (failure.getCause() instanceof CanceledFailure cancelled) {
      return cancelled;
    }
    return failure;
  }

  @Override
  public BuildStatus status() {
    return new BuildStatus(
        plan == null ? null : plan.title(), List.copyOf(states.values()), worker, notes,
        plan == null ? List.of() : plan.plugins());
  }
}
