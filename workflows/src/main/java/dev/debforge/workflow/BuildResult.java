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
 */
public record BuildResult(
    String title,
    String architecture,
    List<StepResult> steps,
    List<Map<String, String>> artifacts) {
  public BuildResult {
    steps = List.copyOf(steps);
    artifacts = List.copyOf(artifacts);
  }
}
