package dev.debforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.debforge.activity.Failures;
import dev.debforge.engine.TaskQueues;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plan.MultiArch;
import dev.debforge.plan.StepResult;
import dev.debforge.recipe.UserText;
import dev.debforge.workflow.BuildResult;
import dev.debforge.workflow.BuildStatus;
import dev.debforge.workflow.BuildStatus.StepStatus;
import dev.debforge.workflow.ImageBuildWorkflow;
import dev.debforge.workflow.MultiArchBuildWorkflow;
import dev.debforge.workflow.MultiArchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.Priority;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts a build workflow, shows its progress step by step on standard error, and prints its
 * result: a summary, or one JSON object on standard output with {@code --json}.
 */
final class BuildRunner {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final GlobalOptions options;
  private final PrintWriter out;
  private final PrintWriter err;
  /** The in-process worker's events, when the build runs here; null otherwise. */
  private ConsoleEvents events;

  BuildRunner(GlobalOptions options, PrintWriter out, PrintWriter err) {
    this.options = options;
    this.out = out;
    this.err = err;
  }

  /**
   * Runs the build to its end and returns the exit code: one request per architecture, more
   * than one making a multi-architecture build.
   */
  int run(List<BuildRequest> requests, String idPrefix) throws Exception {
    Thread killTools = new Thread(BuildRunner::killChildren, "debforge-stop-tools");
    Runtime.getRuntime().addShutdownHook(killTools);
    List<String> architectures = requests.stream().map(BuildRequest::architecture).toList();
    try (BuildSession session = BuildSession.open(options, architectures, err)) {
      events = session.events();
      if (events != null) {
        events.holdUntilAnnounced();
      }
      String buildId = start(session.client(), requests, idPrefix, Builds.DEFAULT_PRIORITY);
      progress("build " + buildId + " started");
      try {
        return await(session.client(), buildId);
      } finally {
        if (events != null) {
          events.releaseAll();
        }
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(killTools);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is already exiting; the hook runs.
      }
    }
  }

  /**
   * Starts the build and returns its id at once. What the build is goes into the workflow's memo,
   * for {@code debforge list}.
   *
   * @param priority 1 (first) to 5 (last); waiting builds get workers in this order
   */
  /**
   * Starts the build of one architecture, or the multi-architecture build of several, and
   * returns its id at once.
   */
  static String start(
      WorkflowClient client, List<BuildRequest> requests, String idPrefix, int priority) {
    String buildId = idPrefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(buildId)
            .setTaskQueue(TaskQueues.WORKFLOWS)
            .setPriority(Priority.newBuilder().setPriorityKey(priority).build())
            .setMemo(Builds.memo(requests, priority))
            .build();
    if (requests.size() == 1) {
      ImageBuildWorkflow workflow = client.newWorkflowStub(ImageBuildWorkflow.class, options);
      WorkflowClient.start(workflow::build, requests.get(0));
    } else {
      MultiArchBuildWorkflow workflow =
          client.newWorkflowStub(MultiArchBuildWorkflow.class, options);
      WorkflowClient.start(workflow::build, new MultiArchRequest(requests));
    }
    return buildId;
  }

  /** Follows a started build to its end, prints its result and returns the exit code. */
  int await(WorkflowClient client, String buildId) throws Exception {
    return await(client, buildId, System.nanoTime());
  }

  /**
   * Follows a started build to its end, prints its result and returns the exit code.
   *
   * @param started when the build started, on {@link System#nanoTime}'s clock
   */
  int await(WorkflowClient client, String buildId, long started) throws Exception {
    ImageBuildWorkflow workflow = client.newWorkflowStub(ImageBuildWorkflow.class, buildId);
    WorkflowStub stub = WorkflowStub.fromTyped(workflow);
    CompletableFuture<BuildResult> result = stub.getResultAsync(BuildResult.class);
    follow(client, buildId, workflow, result);
    try {
      BuildResult done = result.get();
      double seconds = (System.nanoTime() - started) / 1e9;
      report(buildId, done, seconds);
      return ExitCodes.DONE;
    } catch (ExecutionException e) {
      return failed(buildId, e.getCause(), (System.nanoTime() - started) / 1e9);
    }
  }

  /**
   * Prints each step as it starts and ends, until the build is over. A multi-architecture
   * build's children are followed too, their lines starting with their architecture.
   */
  private void follow(
      WorkflowClient client, String buildId, ImageBuildWorkflow workflow,
      CompletableFuture<BuildResult> result) throws InterruptedException {
    Watch parent = new Watch(buildId, "", workflow);
    List<Watch> children = new ArrayList<>();
    while (true) {
      boolean over = waitFor(result, 500);
      // The children first, so that a child's last step shows before the parent's line saying
      // that child is done.
      for (Watch child : children) {
        child.look();
      }
      BuildStatus status = parent.look();
      if (status != null && children.isEmpty() && !status.children().isEmpty()) {
        for (String child : status.children()) {
          children.add(new Watch(child, MultiArch.architectureOfChild(child) + ": ",
              client.newWorkflowStub(ImageBuildWorkflow.class, child)));
        }
      }
      if (over) {
        for (Watch child : children) {
          child.look();
        }
        return;
      }
    }
  }

  /** What has been printed of one build's progress. */
  private final class Watch {
    private final String buildId;
    private final String prefix;
    private final ImageBuildWorkflow workflow;
    private final Map<String, String> shown = new HashMap<>();
    private String title;
    private int notesShown;

    Watch(String buildId, String prefix, ImageBuildWorkflow workflow) {
      this.buildId = buildId;
      this.prefix = prefix;
      this.workflow = workflow;
    }

    /** Prints what changed since the last look; returns the status, or null if none came. */
    BuildStatus look() {
      BuildStatus status;
      try {
        status = workflow.status();
      } catch (RuntimeException e) {
        // Not started yet, or over and gone from a test server.
        return null;
      }
      for (int i = notesShown; i < status.notes().size(); i++) {
        progress(prefix + status.notes().get(i));
      }
      notesShown = status.notes().size();
      if (title == null && status.title() != null) {
        title = status.title();
        progress(prefix + "plan: " + title + ", " + status.steps().size() + " steps");
      }
      List<StepStatus> steps = status.steps();
      for (int i = 0; i < steps.size(); i++) {
        StepStatus step = steps.get(i);
        if (step.state().equals(shown.get(step.name()))) {
          continue;
        }
        if (shown.containsKey(step.name()) && step.state().equals("pending")) {
          // The build moved to another worker and starts its steps again.
          shown.remove(step.name());
          continue;
        }
        String previous = shown.put(step.name(), step.state());
        String counter = prefix + "[" + (i + 1) + "/" + steps.size() + "] ";
        boolean running = step.state().equals("running");
        boolean ended = List.of("done", "failed", "cancelled").contains(step.state());
        // The step's own lines go under its running line, and before the line that ends it; a
        // step that ran between two looks at the build gets its running line when it has lines.
        if (running
            || ended && !"running".equals(previous) && events != null
                && events.holds(buildId, step.name())) {
          progress(counter + step.name());
        }
        if (running || ended) {
          announce(buildId, step.name());
        }
        switch (step.state()) {
          case "done" ->
              progress(counter + step.name() + " done in " + seconds(step.seconds()));
          case "cached" -> progress(counter + step.name() + " cached");
          case "skipped" -> progress(counter + step.name() + " not needed: the steps after it"
              + " are cached");
          case "failed" -> progress(counter + step.name() + " failed");
          case "cancelled" -> progress(counter + step.name() + " cancelled");
          default -> {}
        }
      }
      return status;
    }
  }

  private static boolean waitFor(CompletableFuture<?> future, long millis)
      throws InterruptedException {
    try {
      future.get(millis, TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  private void report(String buildId, BuildResult result, double seconds) throws Exception {
    long hits = result.steps().stream().filter(StepResult::cacheHit).count();
    long ran = result.steps().stream()
        .filter(step -> !step.cacheHit() && !step.skipped()).count();
    if (options.json) {
      Map<String, Object> json = base(buildId, "succeeded", seconds);
      json.put("title", result.title());
      json.put("architecture", result.architecture());
      json.put("cacheHits", hits);
      json.put("stepsRun", ran);
      if (result.planSeconds() > 0) {
        json.put("planSeconds", hundredths(result.planSeconds()));
      }
      json.put("artifacts", result.artifacts().stream().map(BuildRunner::artifactJson).toList());
      json.put("steps", steps(result.steps()));
      out.println(JSON.writeValueAsString(json));
      out.flush();
    }
    progress("built " + result.title() + " in " + seconds(seconds) + " (" + hits + " of "
        + result.steps().size() + " steps from the cache)");
    for (Map<String, String> artifact : result.artifacts()) {
      progress("  " + artifact.get("artifact") + "  " + identity(artifact));
    }
  }

  /**
   * A published artifact as {@code --json} prints it: its path and type first, then its other
   * facts by name, the same order in every run (the facts come through the engine unordered).
   */
  static Map<String, String> artifactJson(Map<String, String> facts) {
    Map<String, String> json = new LinkedHashMap<>();
    for (String first : List.of("artifact", "type")) {
      if (facts.containsKey(first)) {
        json.put(first, facts.get(first));
      }
    }
    new TreeMap<>(facts).forEach(json::putIfAbsent);
    return json;
  }

  /**
   * What names a published artifact's content: an image its manifest digest, a disk file its
   * sha256 or, for a raw disk, its block map, an OSTree repository the ref and the commit it now
   * points at.
   */
  static String identity(Map<String, String> artifact) {
    if (artifact.containsKey("digest")) {
      return artifact.get("digest");
    }
    if (artifact.containsKey("bmapChecksum")) {
      return "block map " + Path.of(artifact.get("bmap")).getFileName() + " sha256:"
          + artifact.get("bmapChecksum");
    }
    if (artifact.containsKey("sha256")) {
      return "sha256:" + artifact.get("sha256");
    }
    if (artifact.containsKey("commit")) {
      return artifact.get("ref") + " " + artifact.get("commit");
    }
    return "";
  }

  /** Prints why the build failed and returns its exit code: 2 for bad input, else 1. */
  int failed(String buildId, Throwable failure, double seconds) throws Exception {
    ApplicationFailure cause = rootApplicationFailure(failure);
    boolean badInput = cause != null && Failures.BAD_INPUT.equals(cause.getType());
    boolean bug = cause != null && Failures.BUG.equals(cause.getType());
    boolean cancelled = Builds.cancelled(failure);
    String message =
        cancelled
            ? "the build was cancelled"
            : cause != null ? cause.getOriginalMessage() : String.valueOf(failure);
    if (options.json) {
      String status = cancelled ? "cancelled" : badInput ? "invalid" : "failed";
      Map<String, Object> json = base(buildId, status, seconds);
      json.put("error", message);
      if (cause != null && !cancelled) {
        json.put("errorType", cause.getType());
      }
      out.println(JSON.writeValueAsString(json));
      out.flush();
    }
    err.println("error: " + UserText.printable(message));
    if (bug) {
      // The message already says it is debforge's defect and how to report it.
      err.println("(build " + buildId + " stopped on a defect in debforge, not on its input)");
    } else if (!badInput && !cancelled) {
      err.println("Hint: the step logs are under the store's logs/" + buildId + "/ (debforge logs "
          + buildId + " shows them, a multi-architecture build's too)");
    }
    err.flush();
    return badInput ? ExitCodes.BAD_INPUT : ExitCodes.FAILED;
  }

  private static ApplicationFailure rootApplicationFailure(Throwable failure) {
    ApplicationFailure found = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure app) {
        found = app;
      }
      if (t instanceof WorkflowException && t.getCause() == null) {
        break;
      }
    }
    return found;
  }

  private static Map<String, Object> base(String buildId, String status, double seconds) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("buildId", buildId);
    json.put("status", status);
    json.put("seconds", hundredths(seconds));
    return json;
  }

  private static List<Map<String, Object>> steps(List<StepResult> results) {
    List<Map<String, Object>> steps = new ArrayList<>();
    for (StepResult result : results) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("name", result.name());
      step.put("stage", result.stage());
      step.put("key", result.key());
      step.put("cacheHit", result.cacheHit());
      step.put("skipped", result.skipped());
      step.put("seconds", hundredths(result.seconds()));
      step.put("facts", new TreeMap<>(result.facts()));
      steps.add(step);
    }
    return steps;
  }

  private void announce(String buildId, String step) {
    if (events != null) {
      events.announce(buildId, step);
    }
  }

  private void progress(String line) {
    if (!options.quiet()) {
      synchronized (err) {
        err.println(line);
        err.flush();
      }
    }
  }

  /** Seconds as --json gives them: to the hundredth, so that many steps' rounding stays small. */
  private static double hundredths(double seconds) {
    return Math.round(seconds * 100) / 100.0;
  }

  private static String seconds(double seconds) {
    return String.format(Locale.ROOT, "%.1f s", seconds);
  }

  /** Ends the tools this process started, so an interrupted build leaves no processes behind. */
  private static void killChildren() {
    ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
  }
}
