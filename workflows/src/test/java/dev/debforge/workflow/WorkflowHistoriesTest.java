package dev.debforge.workflow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every recorded history (src/test/resources/histories, made by {@link HistoryRecorder}) replays
 * on today's workflow code: a running cluster's builds survive an upgrade of debforge. A change
 * to what the workflow schedules, and in which order, fails here until it is guarded with
 * {@code Workflow.getVersion} (docs/architecture.md, "Changing the workflow").
 */
class WorkflowHistoriesTest {

  static final Path HISTORIES = Path.of("src/test/resources/histories");

  @Test
  void everyRecordedHistoryReplaysOnTodaysWorkflow() throws Exception {
    List<Path> histories = histories();
    assertTrue(histories.size() >= 8, "the recorded histories are missing: " + histories);
    for (Path history : histories) {
      try {
        // Replayed under the id it was recorded with (its file's name, for the multi-architecture
        // builds, whose children's ids derive from it).
        String id = history.getFileName().toString().replaceFirst("\\.json$", "");
        WorkflowReplayer.replayWorkflowExecution(
            WorkflowExecutionHistory.fromJson(Files.readString(history), id),
            ImageBuildWorkflowImpl.class, MultiArchBuildWorkflowImpl.class);
      } catch (Exception e) {
        throw new AssertionError("the history " + history.getFileName()
            + " no longer replays: " + e, e);
      }
    }
  }

  @Test
  void theHistoriesCoverEveryPathOfTheWorkflow() throws Exception {
    List<String> names = histories().stream().map(p -> p.getFileName().toString()).toList();
    for (String kind : List.of("compose", "retried-step", "bad-input", "input-missing",
        "waits-for-plugin", "moved-build", "multiarch-compose", "multiarch-failed-child",
        "steps-at-once", "steps-at-once-failed")) {
      assertTrue(names.stream().anyMatch(n -> n.endsWith("-" + kind + ".json")),
          "no recorded history of a " + kind + " build: " + names);
    }
  }

  private static List<Path> histories() throws IOException {
    try (Stream<Path> files = Files.list(HISTORIES)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }
}
