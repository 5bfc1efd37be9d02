package dev.debforge.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.activity.Failures;
import dev.debforge.activity.PlanActivities;
import dev.debforge.engine.Workers;
import dev.debforge.plan.BuildPlan;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plan.PlannedStep;
import dev.debforge.plan.StepRequest;
import dev.debforge.plan.StepResult;
import io.temporal.activity.Activity;
import io.temporal.activity.DynamicActivity;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.EncodedValues;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The workflow against scripted activities: order, inputs, retries and bad input. */
class ImageBuildWorkflowTest {

  private static final String QUEUE = "test-queue";

  private TestWorkflowEnvironment env;
  private final List<StepRequest> calls = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final Map<String, RuntimeException> failOnce = new ConcurrentHashMap<>();
  private final Map<String, RuntimeException> failAlways = new ConcurrentHashMap<>();

  private static final BuildPlan PLAN =
      new BuildPlan(
          "test for amd64",
          "amd64",
          List.of(
              new PlannedStep("debootstrap", "debootstrap", "k1", "{}", Map.of()),
              new PlannedStep("configure", "configure", "k2", "{}", Map.of("tree", "debootstrap")),
              new PlannedStep("publish", "publish", null, "{}", Map.of("image", "configure"))));

  private final PlanActivities planner = request -> PLAN;

  private final DynamicActivity stages =
      new DynamicActivity() {
        @Override
        public Object execute(EncodedValues args) {
          StepRequest request = args.get(0, StepRequest.class);
          String stage = Activity.getExecutionContext().getInfo().getActivityType();
          attempts.computeIfAbsent(stage, s -> new AtomicInteger()).incrementAndGet();
          calls.add(request);
          RuntimeException once = failOnce.remove(stage);
          if (once != null) {
            throw once;
          }
          if (failAlways.containsKey(stage)) {
            throw failAlways.get(stage);
          }
          Map<String, String> facts =
              stage.equals("publish") ? Map.of("artifact", "/out/x.tar") : Map.of("s", stage);
          return new StepResult(
              request.step().name(), stage, request.step().key(), false, 1.5, facts);
        }
      };

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.getWorkerFactory().newWorker(QUEUE, Workers.options(2));
    worker.registerWorkflowImplementationTypes(ImageBuildWorkflowImpl.class);
    worker.registerActivitiesImplementations(planner, stages);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  private ImageBuildWorkflow workflow() {
    WorkflowClient client = env.getWorkflowClient();
    return client.newWorkflowStub(
        ImageBuildWorkflow.class, WorkflowOptions.newBuilder().setTaskQueue(QUEUE).build());
  }

  private static BuildRequest request() {
    return BuildRequest.compose("/r/test.yaml", "name: test", "oci-archive:/out/x.tar", "amd64",
        null);
  }

  @Test
  void runsThePlannedStepsInOrderAndPassesEachItsInputs() {
    BuildResult result = workflow().build(request());
    assertEquals(
        List.of("debootstrap", "configure", "publish"),
        calls.stream().map(c -> c.step().stage()).toList());
    StepRequest configure = calls.get(1);
    assertEquals("k1", configure.inputs().get("tree").key());
    assertEquals("amd64", configure.architecture());
    assertEquals(List.of(Map.of("artifact", "/out/x.tar")), result.artifacts());
    assertEquals(3, result.steps().size());
  }

  @Test
  void retriesAStepThatFailedForAPassingReason() {
    failOnce.put("configure", ApplicationFailure.newFailure("mirror hiccup", Failures.TOOL_FAILED));
    workflow().build(request());
    assertEquals(2, attempts.get("configure").get());
  }

  @Test
  void badInputFailsTheBuildAtOnceWithoutRetry() {
    failAlways.put(
        "debootstrap",
        ApplicationFailure.newNonRetryableFailure("no such package: vimm", Failures.BAD_INPUT));
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> workflow().build(request()));
    ActivityFailure activity = assertInstanceOf(ActivityFailure.class, e.getCause());
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, activity.getCause());
    assertEquals(Failures.BAD_INPUT, cause.getType());
    assertTrue(cause.getOriginalMessage().contains("vimm"));
    assertEquals(1, attempts.get("debootstrap").get());
    assertEquals(List.of("debootstrap"), calls.stream().map(c -> c.step().stage()).toList());
  }

  @Test
  void statusReportsEveryStepState() {
    ImageBuildWorkflow workflow = workflow();
    workflow.build(request());
    BuildStatus status = workflow.status();
    assertEquals("test for amd64", status.title());
    assertEquals(
        List.of("done", "done", "done"),
        status.steps().stream().map(BuildStatus.StepStatus::state).toList());
  }
}
