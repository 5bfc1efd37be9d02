package dev.debforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.debforge.plan.MultiArch;
import dev.debforge.workflow.BuildStatus;
import dev.debforge.workflow.ImageBuildWorkflow;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code debforge status ID}: where a build is, step by step. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a build: its state, its worker and each step's state and progress.",
      "Per step: state, seconds, cache hit; for the running step its attempt and the latest",
      "progress from its heartbeat."
    })
final class StatusCommand implements Callable<Integer> {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Parameters(paramLabel = "ID", description = "The build id.")
  String buildId;

  @Mixin GlobalOptions global = new GlobalOptions();
  @Spec CommandSpec spec;

  /** The build's listing entry, or a usage error naming the id. */
  static Builds.Entry requireKnown(Builds.Connection connection, String buildId) {
    return Builds.find(connection, Builds.checkedId(buildId))
        .orElseThrow(
            () ->
                new UserError(
                    "no build " + buildId + " on " + connection.target()
                        + "\nHint: 'debforge list' shows the builds it knows"));
  }

  @Override
  public Integer call() throws Exception {
    Builds.checkedId(buildId);
    try (Builds.Connection connection = Builds.connect(global)) {
      Builds.Entry entry = requireKnown(connection, buildId);
      DescribeWorkflowExecutionResponse described = Builds.describe(connection, buildId);
      BuildStatus status = null;
      try {
        status = connection.client().newWorkflowStub(ImageBuildWorkflow.class, buildId).status();
      } catch (RuntimeException e) {
        // A build not yet picked up, or no worker to answer: the listing still says something.
      }
      Optional<Map<String, Object>> running = Builds.runningStep(described);
      Map<String, Object> json = entry.toJson(Instant.now());
      if (status != null) {
        json.put("title", status.title());
        json.put("worker", status.worker());
        json.put("notes", status.notes());
        json.put("plugins", status.plugins());
        if (!status.children().isEmpty()) {
          json.put("children", status.children());
          json.put("architectures", children(connection, status.children()));
        }
        List<Map<String, Object>> steps = new ArrayList<>();
        long hits = 0;
        for (BuildStatus.StepStatus step : status.steps()) {
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("name", step.name());
          s.put("stage", step.stage());
          s.put("state", step.state());
          s.put("seconds", Math.round(step.seconds() * 10) / 10.0);
          if (step.state().equals("running") && running.isPresent()
              && running.get().get("stage").equals(step.stage())) {
            s.putAll(running.get());
            s.put("state", "running");
          }
          hits += step.state().equals("cached") ? 1 : 0;
          steps.add(s);
        }
        json.put("cacheHits", hits);
        json.put("steps", steps);
      }
      print(json);
    }
    return ExitCodes.DONE;
  }

  /**
   * Each child of a multi-architecture build: its id, state and worker, and the step it is at
   * (the running one, else the last that ended) with that step's state.
   */
  private static List<Map<String, Object>> children(
      Builds.Connection connection, List<String> ids) {
    List<Map<String, Object>> children = new ArrayList<>();
    for (String id : ids) {
      Map<String, Object> child = new LinkedHashMap<>();
      child.put("buildId", id);
      child.put("architecture", MultiArch.architectureOfChild(id));
      try {
        Builds.find(connection, id).ifPresent(entry -> child.put("state", entry.state()));
        BuildStatus status =
            connection.client().newWorkflowStub(ImageBuildWorkflow.class, id).status();
        child.put("worker", status.worker());
        int at = -1;
        for (int i = 0; i < status.steps().size(); i++) {
          String state = status.steps().get(i).state();
          if (state.equals("running")) {
            at = i;
            break;
          }
          if (!state.equals("pending")) {
            at = i;
          }
        }
        if (at >= 0) {
          child.put("step", status.steps().get(at).name());
          child.put("stepState", status.steps().get(at).state());
          child.put("stepNumber", at + 1);
          child.put("steps", status.steps().size());
        }
      } catch (RuntimeException e) {
        // Not started yet, or the service did not answer for it: the line says what is known.
      }
      children.add(child);
    }
    return children;
  }

  @SuppressWarnings("unchecked")
  private void print(Map<String, Object> json) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (global.json) {
      out.println(JSON.writeValueAsString(json));
      out.flush();
      return;
    }
    out.println(json.get("buildId") + "  " + json.get("state") + "  " + json.get("kind") + " "
        + json.get("source") + "  " + json.get("architecture") + "  priority "
        + json.get("priority"));
    if (json.get("title") != null) {
      out.println("  " + json.get("title"));
    }
    List<String> children = (List<String>) json.getOrDefault("children", List.of());
    if (children.isEmpty()) {
      out.println("  worker: "
          + Optional.ofNullable(json.get("worker")).orElse("(waiting for one)"));
    } else {
      out.println("  one build per architecture:");
      for (Map<String, Object> child :
          (List<Map<String, Object>>) json.getOrDefault("architectures", List.of())) {
        StringBuilder line = new StringBuilder("    " + child.get("architecture") + "  "
            + child.get("buildId") + "  " + child.getOrDefault("state", "not started"));
        if (child.containsKey("step")) {
          line.append("  [").append(child.get("stepNumber")).append('/')
              .append(child.get("steps")).append("] ").append(child.get("step")).append(' ')
              .append(child.get("stepState"));
        }
        if (child.get("worker") != null) {
          line.append("  on ").append(child.get("worker"));
        }
        out.println(line);
      }
    }
    List<String> plugins = (List<String>) json.getOrDefault("plugins", List.of());
    if (!plugins.isEmpty()) {
      out.println("  plugins: " + String.join(", ", plugins));
    }
    for (String note : (List<String>) json.getOrDefault("notes", List.of())) {
      out.println("  note: " + note);
    }
    List<Map<String, Object>> steps =
        (List<Map<String, Object>>) json.getOrDefault("steps", List.of());
    for (int i = 0; i < steps.size(); i++) {
      Map<String, Object> step = steps.get(i);
      StringBuilder line =
          new StringBuilder(String.format(Locale.ROOT, "  [%d/%d] %-22s %-9s", i + 1,
              steps.size(), step.get("name"), step.get("state")));
      if (step.get("state").equals("done")) {
        line.append(' ').append(step.get("seconds")).append(" s");
      }
      if (step.containsKey("attempt")) {
        line.append(" attempt ").append(step.get("attempt"));
      }
      if (step.containsKey("progress")) {
        line.append(": ").append(step.get("progress"));
      }
      out.println(line.toString().stripTrailing());
    }
    out.println("  " + json.get("seconds") + " s since it started");
    out.flush();
  }
}
