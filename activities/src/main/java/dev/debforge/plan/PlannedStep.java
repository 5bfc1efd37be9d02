package dev.debforge.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One step of a build plan.
 *
 * @param name the step's name in this plan (usually its stage id)
 * @param stage the stage id, which is also the Temporal activity type
 * @param key the store key of its output: the hash of stage, version, options and input keys
 * @param options the options record as canonical JSON
 * @param inputs role → name of the earlier step whose output this step reads
 * @param after names of earlier steps that must end before this one starts though it reads
 *     nothing of theirs (a disk is converted only once it booted); order alone, not in the key.
 *     Empty in plans recorded before it existed, whose steps ran one after another anyway.
 */
public record PlannedStep(
    String name,
    String stage,
    String key,
    String options,
    Map<String, String> inputs,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> after) {
  public PlannedStep {
    inputs = Map.copyOf(inputs);
    after = after == null ? List.of() : List.copyOf(after);
  }

  public PlannedStep(
      String name, String stage, String key, String options, Map<String, String> inputs) {
    this(name, stage, key, options, inputs, List.of());
  }
}
