package dev.debforge.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.activity.BuildEvents;
import dev.debforge.activity.IndexActivitiesImpl;
import dev.debforge.activity.Failures;
import dev.debforge.activity.PlanActivities;
import dev.debforge.engine.TaskQueues;
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
import io.temporal.client.WorkflowStub;
import io.temporal.common.Priority;
import io.temporal.common.converter.EncodedValues;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The workflow against scripted activities on the real worker wiring (claim queue, own queue):
 * order, inputs, retries, bad input, a build moving off a lost worker, and priorities.
 */
class ImageBuildWorkflowTest {

  private TestWorkflowEnvironment env;
  private final List<StepRequest> calls = new CopyOnWriteArrayList<>();
  private final List<String> workersSeen = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final Map<String, RuntimeException> failOnce = new ConcurrentHashMap<>();
  private final Map<String, RuntimeException> failAlways = new ConcurrentHashMap<>();
  private volatile CountDownLatch blockConfigure = new CountDownLatch(0);

  private static final BuildPlan PLAN =
      new BuildPlan(
          "test for amd64",
          "amd64",
          List.of(
              new PlannedStep("debootstrap", "debootstrap", "k1", "{}", Map.of()),
              new PlannedStep("configure", "configure", "k2", "{}", Map.of("tree", "debootstrap")),
              new PlannedStep("publish", "publish", null, "{}", Map.of("image", "configure"))));

  private volatile BuildPlan planned = PLAN;
  private final PlanActivities planner = request -> planned;

  private DynamicActivity stages(String name) {
    return new DynamicActivity() {
      @Override
      public Object execute(EncodedValues args) {
        StepRequest request = args.get(0, StepRequest.class);
        String stage = Activity.getExecutionContext().getInfo().getActivityType();
        attempts.computeIfAbsent(stage, s -> new AtomicInteger()).incrementAndGet();
        calls.add(request);
        workersSeen.add(name + ":" + stage);
        RuntimeException once = failOnce.remove(stage);
        if (once != null) {
          throw once;
        }
        if (failAlways.containsKey(stage)) {
          throw failAlways.get(stage);
        }
        if (stage.equals("configure")) {
          try {
            blockConfigure.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("worker stopped");
          }
        }
        Map<String, String> facts =
            stage.equals("publish") ? Map.of("artifact", "/out/x.tar") : Map.of("s", stage);
        return new StepResult(
            request.step().name(), stage, request.step().key(), false, 1.5, facts);
      }
    };
  }

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
  }

  private Workers worker(String name, int maxBuilds) {
    return worker(name, maxBuilds, List.of());
  }

  private Workers worker(String name, int maxBuilds, List<String> offered) {
    WorkerFactory factory = WorkerFactory.newInstance(env.getWorkflowClient());
    Workers workers =
        Workers.register(
            factory, List.of("amd64"), stages(name), planner,
            new IndexActivitiesImpl(BuildEvents.NONE, Path.of("/nonexistent")), maxBuilds,
            Duration.ZERO, offered);
    factory.start();
    factories.add(factory);
    return workers;
  }

  private final List<WorkerFactory> factories = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    factories.forEach(WorkerFactory::shutdownNow);
    env.close();
  }

  private ImageBuildWorkflow workflow(String id, int priority) {
    WorkflowClient client = env.getWorkflowClient();
    return client.newWorkflowStub(
        ImageBuildWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(id)
            .setTaskQueue(TaskQueues.WORKFLOWS)
            .setPriority(Priority.newBuilder().setPriorityKey(priority).build())
            .build());
  }

  private ImageBuildWorkflow workflow() {
    return workflow("build-" + UUID.randomUUID(), 3);
  }

  private static BuildRequest request() {
    return BuildRequest.compose("/r/test.yaml", "name: test", "oci-archive:/out/x.tar", "amd64",
        null);
  }

  @Test
  void runsThePlannedStepsInOrderAndPassesEachItsInputs() {
    worker("a", 2);
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
  void aStepReadOnlyByStoredStepsIsNotRun() {
    // The store has configure (k2) but lost debootstrap (k1): configure runs as the cache hit it
    // is (publish reads it), and a hit reads nothing, so debootstrap is not run.
    planned = PLAN.withStored(Map.of("k2", Map.of("s", "configure")));
    worker("a", 2);
    BuildResult result = workflow().build(request());
    assertEquals(List.of("configure", "publish"),
        calls.stream().map(c -> c.step().stage()).toList());
    assertEquals(List.of("debootstrap", "configure", "publish"),
        result.steps().stream().map(StepResult::name).toList());
    StepResult debootstrap = result.steps().get(0);
    assertTrue(!debootstrap.cacheHit() && debootstrap.facts().isEmpty(),
        "not stored, not needed: skipped, not called a hit: " + debootstrap);
    assertTrue(debootstrap.skipped());
    assertTrue(!result.steps().get(1).skipped() && !result.steps().get(2).skipped());
  }

  @Test
  void aStoredStepReadOnlyByStoredStepsReportsItsStoredFacts() {
    planned = PLAN.withStored(
        Map.of("k1", Map.of("kernel", "6.1.0-57-amd64"), "k2", Map.of("s", "configure")));
    worker("a", 2);
    BuildResult result = workflow().build(request());
    assertEquals(List.of("configure", "publish"),
        calls.stream().map(c -> c.step().stage()).toList());
    StepResult debootstrap = result.steps().get(0);
    assertTrue(debootstrap.cacheHit() && debootstrap.skipped(), debootstrap.toString());
    assertEquals(Map.of("kernel", "6.1.0-57-amd64"), debootstrap.facts());
  }

  @Test
  void stepsRunFromTheFirstOutputTheStoreLacksThatARunningStepReads() {
    PlannedStep commit = new PlannedStep("commit", "commit", "k3", "{}", Map.of("tree", "conf"));
    BuildPlan diamond = new BuildPlan("t", "amd64", List.of(
        new PlannedStep("boot", "debootstrap", "k1", "{}", Map.of()),
        new PlannedStep("conf", "configure", "k2", "{}", Map.of("tree", "boot")),
        commit,
        new PlannedStep("export", "oci-export", "k4", "{}", Map.of("commit", "commit")),
        new PlannedStep("deploy", "deploy", "k5", "{}", Map.of("commit", "commit")),
        new PlannedStep("disk", "partition", "k6", "{}", Map.of("sysroot", "deploy")),
        new PlannedStep("publish", "publish", null, "{}", Map.of("disk", "disk")),
        new PlannedStep("verify", "verify", null, "{}", Map.of("disk", "disk"))));
    Map<String, String> none = Map.of();
    assertEquals(java.util.Set.of(), diamond.unneeded(),
        "nothing stored: everything runs");
    assertEquals(java.util.Set.of("boot", "conf", "commit", "deploy"),
        diamond.withStored(Map.of(
            "k1", none, "k2", none, "k3", none, "k4", none, "k5", none, "k6", none)).unneeded(),
        "all stored: the two final outputs and what reads the disk");
    assertEquals(java.util.Set.of("boot", "conf"),
        diamond.withStored(
            Map.of("k1", none, "k2", none, "k3", none, "k4", none)).unneeded(),
        "no disk yet: deploy and partition run, and read the stored commit");
    assertEquals(java.util.Set.of("k3"),
        diamond.withStored(Map.of("k1", none, "k2", none, "k3", none, "k4", none))
            .readFromStore(),
        "the stored output a running step reads is the commit alone");
    assertEquals(java.util.Set.of("k2"),
        diamond.withStored(Map.of("k1", none, "k2", none, "k4", none)).readFromStore(),
        "the commit lost: it reads conf; boot, read by a cache hit only, is not read");
    assertEquals(java.util.Set.of("k6"),
        diamond.withStored(Map.of("k4", none, "k6", none)).readFromStore(),
        "the disk stored: publishing and verifying read it");
    assertEquals(java.util.Set.of("boot"),
        diamond.withStored(Map.of("k1", none, "k2", none,
            "k4", none)).unneeded(),
        "the commit lost: it runs again and reads conf, a hit that reads nothing");
    assertEquals(java.util.Set.of("boot", "conf", "commit", "deploy"),
        diamond.withStored(Map.of("k4", none, "k6", none)).unneeded(),
        "the final outputs stored: nothing before them is read, stored or not");
  }

  @Test
  void retriesAStepThatFailedForAPassingReasonAndNotesIt() {
    Workers a = worker("a", 2);
    failOnce.put("configure", ApplicationFailure.newFailure("mirror hiccup", Failures.TOOL_FAILED));
    ImageBuildWorkflow workflow = workflow();
    workflow.build(request());
    assertEquals(2, attempts.get("configure").get());
    assertEquals(List.of("configure failed on worker " + a.lease().worker()
        + " (attempt 1 of 3: mirror hiccup); tried again in 2 s"), workflow.status().notes());
  }

  @Test
  void badInputFailsTheBuildAtOnceWithoutRetry() {
    worker("a", 2);
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
  void aRefusedLayerAndADefectRunOnceAsTheClassificationSays() throws Exception {
    // The failures a stage's exceptions become, as StageActivity hands them to Failures.
    RuntimeException refused =
        Failures.toFailure(
            "stage extract",
            new dev.debforge.oci.OciException(
                "layer 0 entry ../../etc/passwd has a '..' component", null, "rebuild it"));
    RuntimeException defect =
        Failures.toFailure("stage configure", new NullPointerException("options is null"));
    worker("a", 2);
    failAlways.put("debootstrap", refused);
    WorkflowFailedException bad =
        assertThrows(WorkflowFailedException.class, () -> workflow().build(request()));
    assertEquals(Failures.BAD_INPUT,
        assertInstanceOf(ApplicationFailure.class, bad.getCause().getCause()).getType());
    assertEquals(1, attempts.get("debootstrap").get());

    failAlways.clear();
    failAlways.put("configure", defect);
    WorkflowFailedException bug =
        assertThrows(WorkflowFailedException.class, () -> workflow().build(request()));
    ApplicationFailure cause =
        assertInstanceOf(ApplicationFailure.class, bug.getCause().getCause());
    assertEquals(Failures.BUG, cause.getType());
    assertTrue(cause.getOriginalMessage().startsWith("debforge defect in stage configure"),
        cause.getOriginalMessage());
    assertEquals(1, attempts.get("configure").get());
  }

  @Test
  void statusReportsEveryStepStateAndTheWorker() {
    Workers a = worker("a", 2);
    ImageBuildWorkflow workflow = workflow();
    workflow.build(request());
    BuildStatus status = workflow.status();
    assertEquals("test for amd64", status.title());
    assertEquals(a.lease().worker(), status.worker());
    assertEquals(
        List.of("done", "done", "done"),
        status.steps().stream().map(BuildStatus.StepStatus::state).toList());
    assertEquals(List.of(), a.slots().builds(), "the build gave its slot back");
  }

  @Test
  void aBuildNeedingAPluginWaitsUntilAWorkerWithItComesAndRunsThere() throws Exception {
    worker("without", 1, List.of("type:qcow2"));
    ImageBuildWorkflow workflow = workflow();
    WorkflowClient.start(workflow::build, request().withPlugins(List.of("hello")));
    String waiting = null;
    for (long end = System.nanoTime() + 20_000_000_000L; System.nanoTime() < end; ) {
      List<String> notes = workflow.status().notes();
      if (!notes.isEmpty()) {
        waiting = notes.get(0);
        break;
      }
      Thread.sleep(50);
    }
    assertNotNull(waiting, "the status says why the build waits");
    assertTrue(waiting.startsWith("waiting for a worker with plugin hello: worker "), waiting);
    assertTrue(waiting.endsWith(" lacks plugin hello"), waiting);
    assertEquals(List.of(), workersSeen, "the worker without the plugin ran nothing");
    worker("with", 1, List.of("type:qcow2", "plugin:hello@1.0.0"));
    BuildResult result = WorkflowStub.fromTyped(workflow).getResult(BuildResult.class);
    assertEquals(3, result.steps().size());
    assertTrue(workersSeen.stream().allMatch(seen -> seen.startsWith("with:")), workersSeen.toString());
  }

  @Test
  void aBuildWhoseWorkerIsLostMovesToAnotherAndIsPlannedAgain() throws Exception {
    blockConfigure = new CountDownLatch(1);
    worker("a", 1);
    ImageBuildWorkflow workflow = workflow();
    WorkflowClient.start(workflow::build, request());
    while (!workersSeen.contains("a:configure")) {
      Thread.sleep(20);
    }
    // Worker a dies in the middle of configure; b joins and never saw the build.
    factories.get(0).shutdownNow();
    blockConfigure = new CountDownLatch(0);
    Workers b = worker("b", 1);
    BuildResult result =
        WorkflowStub.fromTyped(workflow).getResult(BuildResult.class);
    assertEquals(3, result.steps().size());
    assertEquals(
        List.of("a:debootstrap", "a:configure", "b:debootstrap", "b:configure", "b:publish"),
        workersSeen);
    BuildStatus status = workflow.status();
    assertEquals(b.lease().worker(), status.worker());
    // The stopped worker failed configure's first attempt; its retry found no one listening.
    assertEquals(2, status.notes().size(), status.notes().toString());
    assertTrue(status.notes().get(0).startsWith("configure failed on worker "),
        status.notes().get(0));
    assertTrue(status.notes().get(1).contains("was lost"), status.notes().get(1));
  }

  @Test
  void aTerminatedBuildGivesItsSlotBackAtTheNextSweep() throws Exception {
    blockConfigure = new CountDownLatch(1);
    Workers a = worker("a", 1);
    ImageBuildWorkflow stuck = workflow("stuck", 3);
    WorkflowClient.start(stuck::build, request());
    while (!workersSeen.contains("a:configure")) {
      Thread.sleep(20);
    }
    assertEquals(List.of(), a.releaseEndedBuilds(), "a running build keeps its slot");
    WorkflowStub.fromTyped(stuck).terminate("stuck for good");
    blockConfigure.countDown();
    // Terminated, the workflow runs no more code of its own: no release comes from it. The
    // first sweep that sees it ended leaves its step time to stop; the second frees the slot.
    assertEquals(List.of("stuck"), a.slots().builds());
    assertEquals(List.of(), a.releaseEndedBuilds());
    assertEquals(List.of("stuck"), a.slots().builds());
    assertEquals(List.of("stuck"), a.releaseEndedBuilds());
    assertEquals(List.of(), a.slots().builds());
    ImageBuildWorkflow next = workflow("next", 3);
    assertEquals(3, next.build(request()).steps().size(), "the freed slot takes the next build");
  }

  @Test
  void aStepWhoseInputIsMissingMovesTheBuildInsteadOfFailingIt() {
    worker("a", 1);
    failOnce.put(
        "configure",
        ApplicationFailure.newNonRetryableFailure(
            "k1 is not in the store", Failures.INPUT_MISSING));
    ImageBuildWorkflow workflow = workflow();
    workflow.build(request());
    assertEquals(
        List.of("a:debootstrap", "a:configure", "a:debootstrap", "a:configure", "a:publish"),
        workersSeen);
    List<String> notes = workflow.status().notes();
    assertEquals(1, notes.size(), notes.toString());
    assertTrue(notes.get(0).startsWith("an input of this build left the store of worker ")
        && notes.get(0).contains("(k1 is not in the store)"), notes.get(0));
  }

  @Test
  void waitingBuildsGetTheWorkerInPriorityOrder() throws Exception {
    blockConfigure = new CountDownLatch(1);
    worker("a", 1);
    ImageBuildWorkflow first = workflow("first", 3);
    WorkflowClient.start(first::build, request());
    while (!workersSeen.contains("a:configure")) {
      Thread.sleep(20);
    }
    List<ImageBuildWorkflow> waiting = new ArrayList<>();
    for (String id : List.of("low-1", "low-2", "urgent")) {
      ImageBuildWorkflow next = workflow(id, id.equals("urgent") ? 1 : 5);
      WorkflowClient.start(next::build, request());
      waiting.add(next);
      Thread.sleep(1500);
    }
    blockConfigure.countDown();
    for (ImageBuildWorkflow next : waiting) {
      WorkflowStub.fromTyped(next).getResult(BuildResult.class);
    }
    List<String> order =
        calls.stream()
            .filter(c -> c.step().stage().equals("debootstrap"))
            .map(StepRequest::buildId)
            .toList();
    assertEquals("first", order.get(0));
    assertEquals("urgent", order.get(1), order.toString());
  }
}
