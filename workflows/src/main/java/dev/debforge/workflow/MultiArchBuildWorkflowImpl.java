package dev.debforge.workflow;

import dev.debforge.activity.Failures;
import dev.debforge.activity.IndexActivities;
import dev.debforge.activity.IndexActivities.IndexRequest;
import dev.debforge.engine.HostActivities;
import dev.debforge.engine.HostLease;
import dev.debforge.engine.TaskQueues;
import dev.debforge.image.ImageReference;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plan.MultiArch;
import dev.debforge.plan.StepResult;
import dev.debforge.plugin.BadInputException;
import dev.debforge.workflow.BuildStatus.StepStatus;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowCancellationType;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Starts one {@link ImageBuildWorkflow} per architecture as a child workflow with the id {@code
 * BUILD-ARCH}: each claims a worker of its architecture, moves when that worker is lost, and
 * keeps its steps in that worker's store, as any build does. A compose's children publish their
 * images where {@link MultiArch} says; once all have, a worker of the first architecture makes
 * the image index of them and publishes it to the destination. A run or build of disks puts each
 * architecture's disks under {@code DIR/ARCH}.
 *
 * <p>The first child that fails cancels the others and fails the build, naming its
 * architecture; what the children finished stays in their workers' stores. Cancelling the build
 * cancels the children, and the build ends when they have stopped.
 */
public class MultiArchBuildWorkflowImpl implements MultiArchBuildWorkflow {

  /**
   * As for stages, the server retries nothing: {@link #publishIndex} does, claiming another
   * worker when the one it had is gone.
   */
  static final ActivityOptions INDEX_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofHours(2))
          .setScheduleToStartTimeout(ImageBuildWorkflowImpl.WORKER_GONE_AFTER)
          .setHeartbeatTimeout(Duration.ofSeconds(30))
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .setRetryOptions(ImageBuildWorkflowImpl.NO_SERVER_RETRY)
          .build();

  /** How long the cleanup after a failure waits for a worker before it gives up. */
  static final Duration CLEANUP_CLAIM = Duration.ofMinutes(1);

  /** The stage of the index step: its activity's type, as status matches running steps. */
  static final String INDEX_STAGE = "PublishIndex";

  /** The step of the index in the build's status. */
  static final String INDEX_STEP = "index";

  private String title;
  private final Map<String, StepStatus> states = new LinkedHashMap<>();
  private final List<String> children = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  @Override
  public BuildResult build(MultiArchRequest request) {
    List<BuildRequest> builds = request.builds();
    List<String> archs = request.architectures();
    checkShape(builds, archs);
    String buildId = Workflow.getInfo().getWorkflowId();
    BuildRequest first = builds.get(0);
    boolean compose = first.kind().equals("compose");
    String workDirectory;
    List<String> outputs = new ArrayList<>();
    try {
      workDirectory = compose ? MultiArch.workDirectory(first.destination(), buildId) : null;
      for (String arch : archs) {
        outputs.add(compose
            ? MultiArch.imageOf(first.destination(), workDirectory, arch)
            : MultiArch.disksOf(first.destination(), arch));
      }
    } catch (BadInputException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          e.getMessage() + (e.hint() == null ? "" : "\nHint: " + e.hint()), Failures.BAD_INPUT);
    }
    title = first.kind() + " for " + String.join(", ", archs);
    for (String arch : archs) {
      states.put(arch, new StepStatus(arch, "build", "pending", 0));
      children.add(MultiArch.childId(buildId, arch));
    }
    if (compose) {
      states.put(INDEX_STEP, new StepStatus(INDEX_STEP, INDEX_STAGE, "pending", 0));
    }

    List<Promise<BuildResult>> promises = new ArrayList<>();
    CancellationScope scope =
        Workflow.newCancellationScope(
            () -> {
              for (int i = 0; i < builds.size(); i++) {
                String arch = archs.get(i);
                ImageBuildWorkflow child =
                    Workflow.newChildWorkflowStub(
                        ImageBuildWorkflow.class,
                        ChildWorkflowOptions.newBuilder()
                            .setWorkflowId(children.get(i))
                            .setTaskQueue(TaskQueues.WORKFLOWS)
                            .setMemo(childMemo(buildId, arch, outputs.get(i)))
                            .setCancellationType(
                                ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED)
                            .build());
                promises.add(
                    Async.function(child::build, builds.get(i).forArchitecture(arch,
                        outputs.get(i))));
                states.put(arch, new StepStatus(arch, "build", "running", 0));
              }
            });
    long started = Workflow.currentTimeMillis();
    scope.run();

    List<BuildResult> results = new ArrayList<>();
    builds.forEach(b -> results.add(null));
    RuntimeException failure = null;
    CanceledFailure cancelled = null;
    List<Integer> open = new ArrayList<>();
    for (int i = 0; i < builds.size(); i++) {
      open.add(i);
    }
    while (!open.isEmpty()) {
      List<Promise<BuildResult>> waiting = open.stream().map(promises::get).toList();
      try {
        Promise.anyOf(waiting).get();
      } catch (RuntimeException ended) {
        // Looked at below, child by child.
      }
      for (Iterator<Integer> it = open.iterator(); it.hasNext(); ) {
        int i = it.next();
        Promise<BuildResult> promise = promises.get(i);
        if (!promise.isCompleted()) {
          continue;
        }
        it.remove();
        String arch = archs.get(i);
        double seconds = (Workflow.currentTimeMillis() - started) / 1000.0;
        RuntimeException childFailure = promise.getFailure();
        if (childFailure == null) {
          results.set(i, promise.get());
          states.put(arch, new StepStatus(arch, "build", "done", seconds));
          continue;
        }
        CanceledFailure childCancelled = cancellation(childFailure);
        states.put(arch, new StepStatus(arch, "build",
            childCancelled != null ? "cancelled" : "failed", seconds));
        if (childCancelled != null && !CancellationScope.current().isCancelRequested()
            && failure == null) {
          // The child alone was cancelled (debforge cancel BUILD-ARCH): the build cannot be
          // whole without it.
          failure = ApplicationFailure.newNonRetryableFailure(
              "the " + arch + " build (" + children.get(i) + ") was cancelled",
              Failures.TOOL_FAILED);
          scope.cancel();
        } else if (childCancelled != null) {
          cancelled = cancelled == null ? childCancelled : cancelled;
        } else if (failure == null) {
          failure = childFailed(arch, children.get(i), childFailure);
          if (!open.isEmpty()) {
            notes.add("the " + arch + " build failed; the builds of the other architectures"
                + " are cancelled");
          }
          scope.cancel();
        }
      }
    }
    if (failure != null || cancelled != null) {
      if (compose) {
        discard(archs.get(0), buildId, stagingDirectories(outputs, workDirectory));
      }
      if (failure != null) {
        throw failure;
      }
      throw cancelled;
    }

    List<StepResult> steps = new ArrayList<>();
    List<Map<String, String>> artifacts = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      String arch = archs.get(i);
      for (StepResult step : results.get(i).steps()) {
        steps.add(new StepResult(arch + "/" + step.name(), step.stage(), step.key(),
            step.cacheHit(), step.seconds(), step.facts(), step.skipped()));
      }
      if (!compose) {
        artifacts.addAll(results.get(i).artifacts());
      }
    }
    String name = baseTitle(results.get(0).title(), archs.get(0));
    title = name + " for " + String.join(", ", archs);
    if (compose) {
      states.put(INDEX_STEP, new StepStatus(INDEX_STEP, INDEX_STAGE, "running", 0));
      long indexStarted = Workflow.currentTimeMillis();
      String tag = tag(first.destination(), results);
      IndexRequest index =
          new IndexRequest(buildId, first.destination(), first.tlsVerify(), tag, archs, outputs,
              workDirectory, stagingDirectories(outputs, workDirectory));
      Map<String, String> facts;
      try {
        facts = publishIndex(archs.get(0), buildId, index);
      } catch (ActivityFailure | CanceledFailure indexFailure) {
        // A cancel may also come while the step waits to be tried again.
        CanceledFailure stopped = indexFailure instanceof CanceledFailure c ? c
            : indexFailure.getCause() instanceof CanceledFailure c ? c : null;
        states.put(INDEX_STEP, new StepStatus(INDEX_STEP, INDEX_STAGE,
            stopped != null ? "cancelled" : "failed", 0));
        discard(archs.get(0), buildId, stagingDirectories(outputs, workDirectory));
        throw stopped != null ? stopped : indexFailure;
      }
      double seconds = (Workflow.currentTimeMillis() - indexStarted) / 1000.0;
      states.put(INDEX_STEP, new StepStatus(INDEX_STEP, INDEX_STAGE, "done", seconds));
      steps.add(new StepResult(INDEX_STEP, INDEX_STAGE, null, false, seconds, facts, false));
      artifacts.add(facts);
    }
    return new BuildResult(title, String.join(",", archs), steps, artifacts);
  }

  /**
   * Runs the index step on a claimed worker of the first architecture, up to {@link
   * ImageBuildWorkflowImpl#MAX_ATTEMPTS} times for failures worth trying again, and on another
   * worker when the one it had is gone (up to {@link ImageBuildWorkflowImpl#MAX_MOVES} times).
   */
  private Map<String, String> publishIndex(String arch, String buildId, IndexRequest index) {
    int attempts = 0;
    int moves = 0;
    while (true) {
      try {
        return onWorker(arch, buildId, INDEX_OPTIONS, null,
            activities -> activities.publishIndex(index));
      } catch (ActivityFailure failure) {
        if (gone(failure) && ++moves <= ImageBuildWorkflowImpl.MAX_MOVES) {
          notes.add("the worker making the index was lost; another one makes it");
          continue;
        }
        if (!ImageBuildWorkflowImpl.retryable(failure)
            || ++attempts >= ImageBuildWorkflowImpl.MAX_ATTEMPTS) {
          throw failure;
        }
        Workflow.sleep(Duration.ofSeconds(2L << (attempts - 1)));
      }
    }
  }

  private static void checkShape(List<BuildRequest> builds, List<String> archs) {
    String problem = null;
    if (builds.isEmpty()) {
      problem = "the request names no architecture";
    } else if (archs.contains(null) || new HashSet<>(archs).size() != archs.size()) {
      problem = "the request names an architecture twice, or a build without one: " + archs;
    } else if (builds.stream().map(BuildRequest::kind).distinct().count() != 1
        || builds.stream().map(BuildRequest::destination).distinct().count() != 1) {
      problem = "the architectures' builds differ in kind or destination";
    } else if (builds.size() > 1 && builds.get(0).ostreeRepo() != null) {
      problem = "--ostree-repo publishes one architecture's commit; a multi-architecture build"
          + " cannot publish several to one repository at once\nHint: compose each"
          + " architecture with --arch and --ostree-repo, one after the other";
    }
    if (problem != null) {
      throw ApplicationFailure.newNonRetryableFailure(problem, Failures.BAD_INPUT);
    }
  }

  /**
   * The child's failure, as the build's: its message names the architecture, its type is the
   * child's (so bad input is still bad input).
   */
  static ApplicationFailure childFailed(String arch, String childId, RuntimeException failure) {
    ApplicationFailure root = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure app) {
        root = app;
      }
    }
    String message = root != null ? root.getOriginalMessage() : innermostMessage(failure);
    String type = root != null ? root.getType() : Failures.TOOL_FAILED;
    return ApplicationFailure.newNonRetryableFailure(
        "the " + arch + " build (" + childId + ") failed: " + message, type);
  }

  private static String innermostMessage(Throwable failure) {
    String message = failure.getMessage();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TemporalFailure temporal
          && temporal.getOriginalMessage() != null && !temporal.getOriginalMessage().isBlank()) {
        message = temporal.getOriginalMessage();
      }
    }
    return message;
  }

  private static CanceledFailure cancellation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CanceledFailure cancelled) {
        return cancelled;
      }
      if (t instanceof ApplicationFailure) {
        return null;
      }
    }
    return null;
  }

  /** The directories of the architectures' images beside a file destination. */
  private static List<String> stagingDirectories(List<String> outputs, String workDirectory) {
    if (workDirectory == null) {
      return List.of();
    }
    List<String> directories = new ArrayList<>();
    for (String output : outputs) {
      try {
        directories.add(ImageReference.parse(output).location());
      } catch (BadInputException e) {
        throw new IllegalStateException(e);
      }
    }
    return directories;
  }

  /** The tag of the index: the destination's, else the one the children's images got. */
  static String tag(String destination, List<BuildResult> results) {
    try {
      ImageReference reference = ImageReference.parse(destination);
      if (reference.transport().local() && reference.reference() != null) {
        return reference.reference();
      }
    } catch (BadInputException e) {
      throw new IllegalStateException(e);
    }
    for (StepResult step : results.get(0).steps()) {
      String tag = step.facts().get("tag");
      if (tag != null) {
        return tag;
      }
    }
    return "latest";
  }

  private static String baseTitle(String childTitle, String arch) {
    String suffix = " for " + arch;
    return childTitle != null && childTitle.endsWith(suffix)
        ? childTitle.substring(0, childTitle.length() - suffix.length())
        : String.valueOf(childTitle);
  }

  /** Removes the architectures' images beside a file destination, whatever else happened. */
  private void discard(String arch, String buildId, List<String> directories) {
    if (directories.isEmpty()) {
      return;
    }
    Workflow.newDetachedCancellationScope(
            () -> {
              try {
                onWorker(arch, buildId, INDEX_OPTIONS, CLEANUP_CLAIM,
                    activities -> {
                      activities.discard(directories);
                      return null;
                    });
              } catch (ActivityFailure gone) {
                notes.add("could not remove " + String.join(", ", directories) + ": "
                    + gone.getCause().getMessage());
              }
            })
        .run();
  }

  /**
   * Claims a worker of the architecture, runs the call on its own queue and releases it.
   *
   * @param claimFor how long to wait for a free worker, or null for as long as it takes
   */
  private static <T> T onWorker(
      String arch, String buildId, ActivityOptions options, Duration claimFor,
      Function<IndexActivities, T> call) {
    ActivityOptions.Builder claim =
        ActivityOptions.newBuilder(ImageBuildWorkflowImpl.CLAIM_OPTIONS)
            .setTaskQueue(TaskQueues.forArchitecture(arch));
    if (claimFor != null) {
      claim.setScheduleToCloseTimeout(claimFor);
    }
    HostActivities host = Workflow.newActivityStub(HostActivities.class, claim.build());
    HostLease lease = host.claim(buildId, List.of());
    boolean lost = false;
    try {
      return call.apply(
          Workflow.newActivityStub(
              IndexActivities.class,
              ActivityOptions.newBuilder(options).setTaskQueue(lease.taskQueue()).build()));
    } catch (ActivityFailure failure) {
      // A worker that did not answer is gone with its slots: nothing to release there.
      lost = gone(failure);
      throw failure;
    } finally {
      if (!lost) {
        Workflow.newDetachedCancellationScope(
                () -> {
                  try {
                    Workflow.newActivityStub(
                            HostActivities.class,
                            ActivityOptions.newBuilder(ImageBuildWorkflowImpl.RELEASE_OPTIONS)
                                .setTaskQueue(lease.taskQueue())
                                .build())
                        .release(buildId);
                  } catch (ActivityFailure gone) {
                    // The worker is gone, and its slots with it.
                  }
                })
            .run();
      }
    }
  }

  /**
   * Whether the worker running the activity is gone: nothing took it from its queue, or it
   * stopped heartbeating.
   */
  static boolean gone(ActivityFailure failure) {
    return failure.getCause() instanceof TimeoutFailure timeout
        && (timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START
            || timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
  }

  /** The child's memo: the build's, for its architecture and where it writes. */
  private static Map<String, Object> childMemo(String parent, String arch, String output) {
    Map<String, Object> memo = new LinkedHashMap<>();
    for (String key : List.of("kind", "source", "priority")) {
      Object value = Workflow.<String>getMemo(key, String.class);
      if (value != null) {
        memo.put(key, value);
      }
    }
    memo.put("destination", output);
    memo.put("architecture", arch);
    memo.put("parent", parent);
    return memo;
  }

  @Override
  public BuildStatus status() {
    return new BuildStatus(title, List.copyOf(states.values()), null, notes, List.of(),
        children);
  }
}
