package dev.debforge.workflow;

import dev.debforge.activity.Failures;
import dev.debforge.activity.PlanActivities;
import dev.debforge.plan.BuildPlan;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plan.PlannedStep;
import dev.debforge.plan.StepRequest;
import dev.debforge.plan.StepResult;
import dev.debforge.workflow.BuildStatus.StepStatus;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.ActivityStub;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans the build in an activity, then runs its steps in order, each as the activity named by
 * its stage id. Nothing here touches files, clocks or plugins: all of that is in the activities,
 * so the workflow replays from history alone.
 */
public class ImageBuildWorkflowImpl implements ImageBuildWorkflow {

  static final RetryOptions RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setBackoffCoefficient(2)
          .setMaximumAttempts(3)
          .setDoNotRetry(Failures.NON_RETRYABLE.toArray(String[]::new))
          .build();

  static final ActivityOptions PLAN_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(5))
          .setRetryOptions(RETRY)
          .build();

  /**
   * Stages heartbeat at least every few seconds while a tool runs; a worker that stops doing so
   * is taken as lost, and the step runs again on another.
   */
  static final ActivityOptions STAGE_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofHours(4))
          .setHeartbeatTimeout(Duration.ofMinutes(1))
          .setRetryOptions(RETRY)
          .build();

  private final PlanActivities planner =
      Workflow.newActivityStub(PlanActivities.class, PLAN_OPTIONS);

  private BuildPlan plan;
  private final Map<String, StepStatus> states = new LinkedHashMap<>();

  @Override
  public BuildResult build(BuildRequest request) {
    plan = planner.plan(request);
    for (PlannedStep step : plan.steps()) {
      states.put(step.name(), new StepStatus(step.name(), step.stage(), "pending", 0));
    }
    String buildId = Workflow.getInfo().getWorkflowId();
    ActivityStub stages = Workflow.newUntypedActivityStub(STAGE_OPTIONS);
    Map<String, StepResult> done = new HashMap<>();
    List<StepResult> results = new ArrayList<>();
    List<Map<String, String>> artifacts = new ArrayList<>();
    for (PlannedStep step : plan.steps()) {
      Map<String, StepResult> inputs = new HashMap<>();
      step.inputs().forEach((role, from) -> inputs.put(role, done.get(from)));
      states.put(step.name(), new StepStatus(step.name(), step.stage(), "running", 0));
      StepResult result;
      try {
        result =
            stages.execute(
                step.stage(),
                StepResult.class,
                new StepRequest(buildId, plan.architecture(), step, inputs));
      } catch (ActivityFailure failure) {
        states.put(step.name(), new StepStatus(step.name(), step.stage(), "failed", 0));
        throw failure;
      }
      states.put(
          step.name(),
          new StepStatus(
              step.name(), step.stage(), result.cacheHit() ? "cached" : "done", result.seconds()));
      done.put(step.name(), result);
      results.add(result);
      // Publishing steps name what they wrote in the fact "artifact".
      if (result.facts().containsKey("artifact")) {
        artifacts.add(result.facts());
      }
    }
    return new BuildResult(plan.title(), plan.architecture(), results, artifacts);
  }

  @Override
  public BuildStatus status() {
    return new BuildStatus(plan == null ? null : plan.title(), List.copyOf(states.values()));
  }
}
