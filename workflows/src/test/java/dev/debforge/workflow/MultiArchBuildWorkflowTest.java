package dev.debforge.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.activity.Failures;
import dev.debforge.activity.IndexActivities;
import dev.debforge.engine.TaskQueues;
import dev.debforge.engine.Workers;
import dev.debforge.plan.BuildPlan;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plan.PlannedStep;
import dev.debforge.plan.StepRequest;
import dev.debforge.plan.StepResult;
import io.temporal.activity.Activity;
import io.temporal.activity.DynamicActivity;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.EncodedValues;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The multi-architecture build on the real worker wiring, with one worker per architecture and
 * scripted stages: the fan-out to child builds on each architecture's worker, the join into one
 * index, a failed child failing the build, and cancellation reaching the children.
 */
class MultiArchBuildWorkflowTest {

  private TestWorkflowEnvironment env;
  private final List<WorkerFactory> factories = new CopyOnWriteArrayList<>();
  /** {@code WORKER:ARCH:STAGE} for each step run. */
  private final List<String> ran = new CopyOnWriteArrayList<>();
  private final List<IndexActivities.IndexRequest> indexed = new CopyOnWriteArrayList<>();
  private final List<List<String>> discarded = new CopyOnWriteArrayList<>();
  private volatile String failingArch;
  private volatile CountDownLatch blockConfigure = new CountDownLatch(0);
  private final CountDownLatch configuring = new CountDownLatch(2);

  private static List<PlannedStep> steps() {
    return List.of(
        new PlannedStep("debootstrap", "debootstrap", "k1", "{}", Map.of()),
        new PlannedStep("configure", "configure", "k2", "{}", Map.of("tree", "debootstrap")),
        new PlannedStep("publish", "publish", null, "{}", Map.of("image", "configure")));
  }

  private DynamicActivity stages(String worker) {
    return new DynamicActivity() {
      @Override
      public Object execute(EncodedValues args) {
        StepRequest request = args.get(0, StepRequest.class);
        String stage = Activity.getExecutionContext().getInfo().getActivityType();
        ran.add(worker + ":" + request.architecture() + ":" + stage);
        if (stage.equals("configure")) {
          if (request.architecture().equals(failingArch)) {
            throw ApplicationFailure.newNonRetryableFailure(
                "package foo is not available for " + failingArch, Failures.BAD_INPUT);
          }
          configuring.countDown();
          try {
            while (!blockConfigure.await(1, TimeUnit.SECONDS)) {
              Activity.getExecutionContext().heartbeat(null);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("worker stopped");
          }
        }
        Map<String, String> facts =
            stage.equals("configure") ? Map.of("tag", "1.0") : Map.of("s", stage);
        return new StepResult(
            request.step().name(), stage, request.step().key(), false, 1.0, facts);
      }
    };
  }

  private final IndexActivities index =
      new IndexActivities() {
        @Override
        public Map<String, String> publishIndex(IndexRequest request) {
          indexed.add(request);
          return Map.of("artifact", "/out/x.tar", "digest", "sha256:abc",
              "platforms", "linux/amd64, linux/arm64/v8");
        }

        @Override
        public void discard(List<String> directories) {
          discarded.add(directories);
        }
      };

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    worker("amd-worker", "amd64");
    worker("arm-worker", "arm64");
  }

  private void worker(String name, String arch) {
    WorkerFactory factory = WorkerFactory.newInstance(env.getWorkflowClient());
    Workers.register(
        factory, List.of(arch), stages(name),
        request -> new BuildPlan("test for " + request.architecture(), request.architecture(),
            steps()),
        index, 2, Duration.ZERO, List.of("type:raw"));
    factory.start();
    factories.add(factory);
  }

  @AfterEach
  void stop() {
    factories.forEach(WorkerFactory::shutdownNow);
    env.close();
  }

  private MultiArchBuildWorkflow workflow(String id) {
    return env.getWorkflowClient().newWorkflowStub(
        MultiArchBuildWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.WORKFLOWS).build());
  }

  private static MultiArchRequest compose(String destination) {
    return new MultiArchRequest(List.of(
        BuildRequest.compose("/r/x.yaml", "name: x", destination, "amd64", null),
        BuildRequest.compose("/r/x.yaml", "name: x", destination, "arm64", null)));
  }

  @Test
  void eachArchitectureBuildsOnItsOwnWorkerAndOneIndexJoinsThem() {
    BuildResult result = workflow("ma-1").build(compose("oci-archive:/out/x.tar"));

    assertEquals("amd64,arm64", result.architecture());
    assertEquals("test for amd64, arm64", result.title());
    for (String stage : List.of("debootstrap", "configure", "publish")) {
      assertTrue(ran.contains("amd-worker:amd64:" + stage), ran.toString());
      assertTrue(ran.contains("arm-worker:arm64:" + stage), ran.toString());
    }
    assertTrue(ran.stream().noneMatch(r -> r.startsWith("amd-worker:arm64")
        || r.startsWith("arm-worker:amd64")), ran.toString());
    assertEquals(1, indexed.size());
    IndexActivities.IndexRequest request = indexed.get(0);
    assertEquals(List.of("amd64", "arm64"), request.architectures());
    assertEquals(List.of("oci:/out/.x.tar.multiarch-ma-1/amd64:amd64",
        "oci:/out/.x.tar.multiarch-ma-1/arm64:arm64"), request.images());
    assertEquals("oci-archive:/out/x.tar", request.destination());
    assertEquals("1.0", request.tag(), "the children's tag, as the destination names none");
    assertEquals(List.of("/out/.x.tar.multiarch-ma-1/amd64", "/out/.x.tar.multiarch-ma-1/arm64"),
        request.staging());
    assertEquals(List.of(Map.of("artifact", "/out/x.tar", "digest", "sha256:abc",
        "platforms", "linux/amd64, linux/arm64/v8")), result.artifacts());
    assertTrue(result.steps().stream().anyMatch(s -> s.name().equals("arm64/configure")));
    assertEquals("index", result.steps().get(result.steps().size() - 1).name());

    BuildStatus status =
        env.getWorkflowClient().newWorkflowStub(MultiArchBuildWorkflow.class, "ma-1").status();
    assertEquals(List.of("ma-1-amd64", "ma-1-arm64"), status.children());
    assertTrue(status.steps().stream().allMatch(s -> s.state().equals("done")),
        status.steps().toString());
  }

  @Test
  void aRegistryDestinationGetsEachArchitectureUnderItsOwnTag() {
    workflow("ma-2").build(compose("docker://localhost:5000/x:2"));

    assertEquals(List.of("docker://localhost:5000/x:2-amd64", "docker://localhost:5000/x:2-arm64"),
        indexed.get(0).images());
    assertEquals(null, indexed.get(0).workDirectory());
  }

  @Test
  void disksOfEachArchitectureGoToTheirOwnDirectoryWithoutAnIndex() {
    MultiArchRequest run = new MultiArchRequest(List.of(
        BuildRequest.run("/r/x.yaml", "name: x", "/out", List.of("raw"), "amd64", null),
        BuildRequest.run("/r/x.yaml", "name: x", "/out", List.of("raw"), "arm64", null)));
    BuildResult result = workflow("ma-3").build(run);

    assertTrue(indexed.isEmpty());
    assertEquals(2, result.steps().stream().filter(s -> s.name().endsWith("/publish")).count());
  }

  @Test
  void aFailedArchitectureFailsTheBuildNamingItAndCancelsTheOthers() {
    failingArch = "arm64";
    blockConfigure = new CountDownLatch(1);
    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class,
            () -> workflow("ma-4").build(compose("oci:/out/layout")));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failed.getCause());
    assertEquals(Failures.BAD_INPUT, cause.getType(), "bad input stays bad input");
    assertTrue(cause.getOriginalMessage().startsWith("the arm64 build (ma-4-arm64) failed: "
        + "package foo is not available for arm64"), cause.getOriginalMessage());
    assertTrue(indexed.isEmpty());
    assertEquals(List.of(List.of("/out/.layout.multiarch-ma-4/amd64",
        "/out/.layout.multiarch-ma-4/arm64")), discarded);
    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED,
        status("ma-4-amd64"), "the amd64 build, blocked in configure, was cancelled");
  }

  @Test
  void cancellingTheBuildCancelsEveryArchitecture() throws Exception {
    blockConfigure = new CountDownLatch(1);
    MultiArchBuildWorkflow workflow = workflow("ma-5");
    io.temporal.client.WorkflowClient.start(workflow::build, compose("oci:/out/layout"));
    assertTrue(configuring.await(60, TimeUnit.SECONDS), "both architectures reach configure");

    WorkflowStub stub = env.getWorkflowClient().newUntypedWorkflowStub("ma-5");
    stub.cancel();
    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class, () -> stub.getResult(BuildResult.class));

    assertInstanceOf(CanceledFailure.class, failed.getCause());
    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED, status("ma-5-amd64"));
    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED, status("ma-5-arm64"));
    assertTrue(indexed.isEmpty());
  }

  @Test
  void cancellingOneArchitectureAloneFailsTheBuildAndCancelsTheOthers() throws Exception {
    blockConfigure = new CountDownLatch(1);
    MultiArchBuildWorkflow workflow = workflow("ma-6");
    io.temporal.client.WorkflowClient.start(workflow::build, compose("oci:/out/layout"));
    assertTrue(configuring.await(60, TimeUnit.SECONDS), "both architectures reach configure");

    env.getWorkflowClient().newUntypedWorkflowStub("ma-6-arm64").cancel();
    WorkflowStub stub = env.getWorkflowClient().newUntypedWorkflowStub("ma-6");
    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class, () -> stub.getResult(BuildResult.class));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failed.getCause());
    assertEquals("the arm64 build (ma-6-arm64) was cancelled", cause.getOriginalMessage());
    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED, status("ma-6"));
    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED, status("ma-6-amd64"));
    assertTrue(indexed.isEmpty());
  }

  @Test
  void oneOstreeRepositoryForSeveralArchitecturesIsBadInput() {
    MultiArchRequest request = new MultiArchRequest(List.of(
        BuildRequest.compose("/r/x.yaml", "name: x", "oci:/out/l", "amd64", null)
            .withOstreeRepo("/srv/repo"),
        BuildRequest.compose("/r/x.yaml", "name: x", "oci:/out/l", "arm64", null)
            .withOstreeRepo("/srv/repo")));
    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class, () -> workflow("ma-7").build(request));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failed.getCause());
    assertEquals(Failures.BAD_INPUT, cause.getType());
    assertTrue(ran.isEmpty(), "nothing was built: " + ran);
  }

  private WorkflowExecutionStatus status(String id) {
    return env.getWorkflowClient().newUntypedWorkflowStub(id).describe().getStatus();
  }
}
