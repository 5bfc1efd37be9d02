package dev.debforge.workflow;

import dev.debforge.activity.BuildEvents;
import dev.debforge.activity.IndexActivitiesImpl;
import dev.debforge.activity.Failures;
import dev.debforge.activity.IndexActivities;
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
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.EncodedValues;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * Records the histories that {@link WorkflowHistoriesTest} replays: one build of each kind the
 * workflow has paths for, run on the Temporal test server against scripted stages. Run it when a
 * release changes the workflow, and keep the histories of earlier releases (docs/architecture.md,
 * "Changing the workflow"):
 *
 * <pre>
 * mvn -q -pl workflows -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath -Dmdep.includeScope=test
 * java -cp "workflows/target/test-classes:workflows/target/classes:$(cat workflows/target/test-classpath)" \
 *     dev.debforge.workflow.HistoryRecorder workflows/src/test/resources/histories RELEASE [multiarch]
 * </pre>
 *
 * <p>With {@code multiarch}, only the multi-architecture builds are recorded.
 */
public final class HistoryRecorder {

  private static final BuildPlan PLAN =
      new BuildPlan(
          "recorded for amd64",
          "amd64",
          List.of(
              new PlannedStep("debootstrap", "debootstrap", "k1", "{}", Map.of()),
              new PlannedStep("configure", "configure", "k2", "{}", Map.of("tree", "debootstrap")),
              new PlannedStep("publish", "publish", null, "{}", Map.of("image", "configure"))),
          List.of("hello@1.0.0"));

  /** A disk booted, then converted to two types at once and published. */
  private static final BuildPlan DISKS_PLAN =
      new BuildPlan(
          "recorded disks for amd64",
          "amd64",
          List.of(
              new PlannedStep("partition", "partition", "k3", "{}", Map.of()),
              new PlannedStep("verify-bios", "verify", null, "{}", Map.of("disk", "partition")),
              new PlannedStep("convert-qcow2", "convert", "k4", "{}", Map.of("disk", "partition"),
                  List.of("verify-bios")),
              new PlannedStep("publish-disk-qcow2", "publish-disk", null, "{}",
                  Map.of("disk", "convert-qcow2"), List.of("verify-bios")),
              new PlannedStep("convert-vmdk", "convert-vmdk", "k5", "{}",
                  Map.of("disk", "partition"), List.of("verify-bios")),
              new PlannedStep("publish-disk-vmdk", "publish-disk", null, "{}",
                  Map.of("disk", "convert-vmdk"), List.of("verify-bios"))));

  private final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
  private final List<WorkerFactory> factories = new CopyOnWriteArrayList<>();
  private final Map<String, RuntimeException> failOnce = new ConcurrentHashMap<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch blockConfigure = new CountDownLatch(0);

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String release = args[1];
    HistoryRecorder recorder = new HistoryRecorder();
    try {
      if (args.length > 2 && args[2].equals("multiarch")) {
        recorder.recordMultiArch(dir, release);
      } else {
        recorder.record(dir, release);
        recorder.recordMultiArch(dir, release);
      }
    } finally {
      recorder.factories.forEach(WorkerFactory::shutdownNow);
      recorder.env.close();
    }
    System.exit(0);
  }

  private void record(Path dir, String release) throws Exception {
    Files.createDirectories(dir);
    worker("a", List.of("plugin:hello@1.0.0", "type:qcow2", "type:vmdk"));
    save(dir, release + "-compose", run(request()));

    failOnce.put("configure", ApplicationFailure.newFailure("mirror hiccup", Failures.TOOL_FAILED));
    save(dir, release + "-retried-step", run(request()));

    failOnce.put("configure",
        ApplicationFailure.newNonRetryableFailure("bad recipe", Failures.BAD_INPUT));
    save(dir, release + "-bad-input", run(request()));

    failOnce.put("configure",
        ApplicationFailure.newNonRetryableFailure("k1 is not in the store", Failures.INPUT_MISSING));
    save(dir, release + "-input-missing", run(request()));

    // Independent steps at once (two conversions after the boot), and a failing one.
    save(dir, release + "-steps-at-once", run(disks()));
    failOnce.put("convert-vmdk",
        ApplicationFailure.newNonRetryableFailure("qemu-img: broken", Failures.TOOL_FAILED));
    save(dir, release + "-steps-at-once-failed", run(disks()));

    // A build needing a plugin no worker has waits; a worker with it comes later.
    String waiting = "waiting-" + release;
    start(waiting, request().withPlugins(List.of("later")));
    Thread.sleep(5000);
    worker("b", List.of("plugin:later@2.0.0"));
    result(waiting);
    save(dir, release + "-waits-for-plugin", waiting);

    // The worker dies in the middle of configure; another takes the build.
    factories.forEach(WorkerFactory::shutdownNow);
    factories.clear();
    blockConfigure = new CountDownLatch(1);
    worker("c", List.of("plugin:hello@1.0.0"));
    String moved = "moved-" + release;
    start(moved, request());
    while (!seen.contains("c:configure")) {
      Thread.sleep(20);
    }
    factories.get(0).shutdownNow();
    blockConfigure = new CountDownLatch(0);
    worker("d", List.of("plugin:hello@1.0.0"));
    result(moved);
    save(dir, release + "-moved-build", moved);
  }

  /**
   * A multi-architecture compose (amd64 and arm64 children, then the index), and one whose arm64
   * child fails and cancels the amd64 one.
   */
  private void recordMultiArch(Path dir, String release) throws Exception {
    factories.forEach(WorkerFactory::shutdownNow);
    factories.clear();
    WorkerFactory factory = WorkerFactory.newInstance(env.getWorkflowClient());
    IndexActivities index =
        new IndexActivities() {
          @Override
          public Map<String, String> publishIndex(IndexRequest request) {
            return Map.of("artifact", "/out/x.tar", "digest", "sha256:1", "platforms",
                "linux/amd64, linux/arm64/v8");
          }

          @Override
          public void discard(List<String> directories) {}
        };
    PlanActivities planner =
        request -> new BuildPlan("recorded for " + request.architecture(),
            request.architecture(), PLAN.steps(), PLAN.plugins());
    Workers.register(factory, List.of("amd64", "arm64"), stages("m"), planner, index, 2,
        Duration.ZERO, List.of("plugin:hello@1.0.0"));
    factory.start();
    factories.add(factory);

    // Named as their files: the children's ids derive from the build's, and replay checks them.
    String composed = release + "-multiarch-compose";
    runMulti(composed);
    save(dir, composed, composed);

    failOnce.put("configure",
        ApplicationFailure.newNonRetryableFailure("no such package", Failures.BAD_INPUT));
    String failed = release + "-multiarch-failed-child";
    runMulti(failed);
    save(dir, failed, failed);
  }

  private void runMulti(String id) {
    MultiArchRequest request =
        new MultiArchRequest(List.of(
            request(), request().forArchitecture("arm64", "oci-archive:/out/x.tar")));
    WorkflowClient.start(
        env.getWorkflowClient()
            .newWorkflowStub(
                MultiArchBuildWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.WORKFLOWS)
                    .build())::build,
        request);
    try {
      result(id);
    } catch (RuntimeException failedBuild) {
      // A failed build's history is recorded as it is.
    }
  }

  private static BuildRequest request() {
    return BuildRequest.compose(
            "/r/test.yaml", "name: test", "oci-archive:/out/x.tar", "amd64", null)
        .withPlugins(List.of("hello"));
  }

  private static BuildRequest disks() {
    return BuildRequest.run("/r/disks.yaml", "name: disks", "/out", List.of("qcow2", "vmdk"),
        "amd64", null);
  }

  private String run(BuildRequest request) {
    String id = "build-" + seen.size() + "-" + System.nanoTime();
    start(id, request);
    try {
      result(id);
    } catch (RuntimeException failed) {
      // A failed build's history is recorded as it is.
    }
    return id;
  }

  private BuildResult result(String id) {
    return env.getWorkflowClient().newUntypedWorkflowStub(id).getResult(BuildResult.class);
  }

  private void start(String id, BuildRequest request) {
    WorkflowClient.start(stub(id)::build, request);
  }

  private ImageBuildWorkflow stub(String id) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            ImageBuildWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.WORKFLOWS)
                .build());
  }

  private void save(Path dir, String name, String workflowId) throws Exception {
    String json = env.getWorkflowClient().fetchHistory(workflowId).toJson(true);
    Files.writeString(dir.resolve(name + ".json"), json);
    System.out.println("recorded " + name);
  }

  private void worker(String name, List<String> offered) {
    WorkerFactory factory = WorkerFactory.newInstance(env.getWorkflowClient());
    PlanActivities planner =
        request -> request.types() == null || request.types().isEmpty() ? PLAN : DISKS_PLAN;
    Workers.register(factory, List.of("amd64"), stages(name), planner,
        new IndexActivitiesImpl(BuildEvents.NONE, Path.of("/nonexistent")), 2, 2, Duration.ZERO,
        offered);
    factory.start();
    factories.add(factory);
  }

  private DynamicActivity stages(String name) {
    return new DynamicActivity() {
      @Override
      public Object execute(EncodedValues args) {
        StepRequest request = args.get(0, StepRequest.class);
        String stage = Activity.getExecutionContext().getInfo().getActivityType();
        seen.add(name + ":" + stage);
        RuntimeException once = failOnce.remove(stage);
        if (once != null) {
          throw once;
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
        return new StepResult(request.step().name(), stage, request.step().key(), false, 1.5,
            facts);
      }
    };
  }
}
