package dev.debforge.workflow;

import dev.debforge.plan.StepResult;
import java.util.List;
import java.util.Map;

/**
 * What a finished build made.
 *
 * @param title what was built
 * @param architecture the Debian architecture
 * @param steps every step's result, in order
 * @param artifacts the facts of each published output (path or reference, type, digest, sha256)
 * @param planSeconds the time from the build's start to its plan (claiming a worker and
 *     planning, on the last worker that took it), which the steps' seconds do not count; 0 where
 *     not measured (a build of several architectures, whose builds each have theirs)
 */
public record BuildResult(
    String title,
    String architecture,
    List<StepResult> steps,
    List<Map<String, String>> artifacts,
    double planSeconds) {
  public BuildResult {
    steps = List.copyOf(steps);
    artifacts = List.copyOf(artifacts);
  }

  public BuildResult(
      String title,
      String architecture,
      List<StepResult> steps,
      List<Map<String, String>> artifacts) {
    this(title, architecture, steps, artifacts, 0);
  }
}
