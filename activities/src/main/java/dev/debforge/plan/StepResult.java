package dev.debforge.plan;

import java.util.Map;

/**
 * What a step left: its store key, whether the store already had it, how long it took and the
 * facts its stage reported.
 */
public record StepResult(
    String name,
    String stage,
    String key,
    boolean cacheHit,
    double seconds,
    Map<String, String> facts) {
  public StepResult {
    facts = Map.copyOf(facts);
  }
}
