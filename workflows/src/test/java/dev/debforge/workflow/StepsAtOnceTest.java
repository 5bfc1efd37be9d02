package dev.debforge.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.activity.BuildEvents;
import dev.debforge.activity.Failures;
import dev.debforge.activity.IndexActivitiesImpl;
import dev.debforge.activity.PlanActivities;
import dev.debforge.engine.TaskQueues;
import dev.debforge.engine.Workers;
import dev.debforge.plan.BuildPlan;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plan.PlannedStep;
import dev.debforge.plan.StepRequest;
import dev.debforge.plan.StepResult;
import dev.debforge.workflow.BuildStatus.StepStatus;
import io.temporal.activity.DynamicActivity;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.EncodedValues;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Independent steps of one build run at once on the claimed worker, as many as it offers: the
 * conversions and publishes of a build with several disk types.
 */
class StepsAtOnceTest {

  /**
   * A disk, checked by a boot, then converted to two types and published: the conversions read
   * only the disk and wait for the boot ({@link PlannedStep#after}).
   */
  private static final BuildPlan PLAN = new BuildPlan("test for amd64", "amd64", List.of(
      new PlannedStep("partition", "partition", "k1", "{}", Map.of()),
      new PlannedStep("verify-bios", "verify", "k2", "{}", Map.of("disk", "partition")),
      new PlannedStep("convert-qcow2", "convert", "k3", "{}", Map.of("disk", "partition"),
          List.of("verify-bios")),
      new PlannedStep("publish-disk-qcow2", "publish-disk", null, "{}",
          Map.of("disk", "convert-qcow2"), List.of("verify-bios")),
      new PlannedStep("convert-vmdk", "convert", "k4", "{}", Map.of("disk", "partition"),
          List.of("verify-bios")),
      new PlannedStep("publish-disk-vmdk", "publish-disk", null, "{}",
          Map.of("disk", "convert-vmdk"), List.of("verify-bios"))));

  private TestWorkflowEnvironment env;
  private WorkerFactory factory;
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  /** Each conversion waits here until the other has started too, for at most a few seconds. */
  private final CountDownLatch bothConverting = new CountDownLatch(2);
  private volatile String failing;
  /** A step that fails too, for a passing reason, once {@link #failing} has failed. */
  private volatile String failingLater;
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
  }

  @AfterEach
  void stop() {
    factory.shutdownNow();
    env.close();
  }

  private void worker(int stepsAtOnce) {
    factory = WorkerFactory.newInstance(env.getWorkflowClient());
    PlanActivities planner = request -> PLAN;
    Workers.register(factory, List.of("amd64"), stages(), planner,
        new IndexActivitiesImpl(BuildEvents.NONE, Path.of("/nonexistent")), 1, stepsAtOnce,
        Duration.ZERO, List.of("type:qcow2", "type:vmdk"));
    factory.start();
  }

  private DynamicActivity stages() {
    return new DynamicActivity() {
      @Override
      public Object execute(EncodedValues args) {
        StepRequest request = args.get(0, StepRequest.class);
        String name = request.step().name();
        int now = running.incrementAndGet();
        mostAtOnce.accumulateAndGet(now, Math::max);
        events.add("start " + name);
        attempts.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        try {
          if (name.startsWith("convert-")) {
            bothConverting.countDown();
            awaitQuietly(bothConverting, 5);
          }
          if (name.equals(failing)) {
            throw ApplicationFailure.newNonRetryableFailure(
                "qemu-img: broken " + name, Failures.TOOL_FAILED);
          }
          if (failing != null && name.startsWith("convert-")) {
            // The other conversion is still at work when the failing one gives up.
            sleepQuietly(1500);
          }
          if (name.equals(failingLater)) {
            throw ApplicationFailure.newFailure("mirror hiccup in " + name, Failures.TOOL_FAILED);
          }
          Map<String, String> facts = name.startsWith("publish-")
              ? Map.of("artifact", "/out/" + name) : Map.of("step", name);
          return new StepResult(name, request.step().stage(), request.step().key(), false, 1,
              facts);
        } finally {
          running.decrementAndGet();
          events.add("end " + name);
        }
      }
    };
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitQuietly(CountDownLatch latch, int seconds) {
    try {
      latch.await(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private ImageBuildWorkflow workflow(String id) {
    return env.getWorkflowClient().newWorkflowStub(ImageBuildWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.WORKFLOWS)
            .build());
  }

  private static BuildRequest request() {
    return BuildRequest.run("/r/test.yaml", "name: test", "/out", List.of("qcow2", "vmdk"),
        "amd64", null);
  }

  @Test
  void theConversionsRunAtOnceAfterTheBootAndTheResultKeepsThePlansOrder() {
    worker(2);
    BuildResult result = workflow("build-two").build(request());

    assertEquals(2, mostAtOnce.get(), events.toString());
    assertEquals(List.of("start partition", "end partition", "start verify-bios",
        "end verify-bios"), events.subList(0, 4), "the boot comes before any conversion");
    assertEquals(PLAN.steps().stream().map(PlannedStep::name).toList(),
        result.steps().stream().map(StepResult::name).toList());
    assertEquals(List.of("/out/publish-disk-qcow2", "/out/publish-disk-vmdk"),
        result.artifacts().stream().map(facts -> facts.get("artifact")).toList());
  }

  @Test
  void aWorkerOfferingOneStepAtATimeRunsThePlanInOrder() {
    worker(1);
    workflow("build-one").build(request());

    assertEquals(1, mostAtOnce.get(), events.toString());
    List<String> started = events.stream().filter(e -> e.startsWith("start ")).toList();
    assertEquals(PLAN.steps().stream().map(step -> "start " + step.name()).toList(), started);
  }

  @Test
  void aFailedStepStartsNoOtherAndTheBuildFailsWithItOnceTheRunningOnesEnd() {
    failing = "convert-qcow2";
    worker(2);
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> workflow("build-failing").build(request()));

    ActivityFailure activity = assertInstanceOf(ActivityFailure.class, e.getCause());
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, activity.getCause());
    assertTrue(cause.getOriginalMessage().contains("broken convert-qcow2"), cause.toString());
    ImageBuildWorkflow stub = env.getWorkflowClient()
        .newWorkflowStub(ImageBuildWorkflow.class, "build-failing");
    Map<String, String> states = new java.util.HashMap<>();
    for (StepStatus step : stub.status().steps()) {
      states.put(step.name(), step.state());
    }
    assertEquals("failed", states.get("convert-qcow2"), states.toString());
    assertEquals("done", states.get("convert-vmdk"), "the other one ran to its end: " + states);
    assertEquals("pending", states.get("publish-disk-qcow2"), states.toString());
    assertEquals("pending", states.get("publish-disk-vmdk"), "nothing starts after a failure");
    assertTrue(events.indexOf("end convert-vmdk") > events.indexOf("end convert-qcow2"),
        "the other conversion was still running when the first failed: " + events);
  }


  @Test
  void aStepBesideAFailedOneIsNotTriedAgain() {
    failing = "convert-qcow2";
    failingLater = "convert-vmdk";
    worker(2);
    assertThrows(WorkflowFailedException.class, () -> workflow("build-both").build(request()));

    assertEquals(1, attempts.get("convert-vmdk").get(),
        "a passing failure is not tried again once the build failed: " + events);
    ImageBuildWorkflow stub = env.getWorkflowClient()
        .newWorkflowStub(ImageBuildWorkflow.class, "build-both");
    assertEquals(List.of(), stub.status().notes());
  }
}
