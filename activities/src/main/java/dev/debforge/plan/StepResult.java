package dev.debforge.plan;

import java.util.Map;

/**
 * What a step left: its store key, whether the store already had it, how long it took and the
 * facts its stage reported.
 *
 * @param skipped the step was not run because no step that ran reads it; it is then a cache hit
 *     when the store had its output when the build was planned, with the stored facts
 */
public record StepResult(
    String name,
    String stage,
    String key,
    boolean cacheHit,
    double seconds,
    Map<String, String> facts,
    boolean skipped) {
  public StepResult {
    facts = Map.copyOf(facts);
  }

  /** A step that ran (or was looked up) on a worker. */
  public StepResult(
      String name,
      String stage,
      String key,
      boolean cacheHit,
      double seconds,
      Map<String, String> facts) {
    this(name, stage, key, cacheHit, seconds, facts, false);
  }
}
