package dev.debforge.plan;

import java.util.Map;

/**
 * One step of a build plan.
 *
 * @param name the step's name in this plan (usually its stage id)
 * @param stage the stage id, which is also the Temporal activity type
 * @param key the store key of its output: the hash of stage, version, options and input keys
 * @param options the options record as canonical JSON
 * @param inputs role → name of the earlier step whose output this step reads
 */
public record PlannedStep(
    String name, String stage, String key, String options, Map<String, String> inputs) {
  public PlannedStep {
    inputs = Map.copyOf(inputs);
  }
}
