package dev.debforge.plan;

import java.util.Map;

/**
 * What the workflow sends to a stage's activity: the step and the outputs it reads.
 *
 * @param buildId the workflow id, for log files
 * @param architecture the Debian architecture built
 * @param step the planned step
 * @param inputs role → the earlier step's result
 */
public record StepRequest(
    String buildId, String architecture, PlannedStep step, Map<String, StepResult> inputs) {
  public StepRequest {
    inputs = Map.copyOf(inputs);
  }
}
