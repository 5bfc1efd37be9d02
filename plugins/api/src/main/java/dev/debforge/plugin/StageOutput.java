package dev.debforge.plugin;

import java.util.Map;
import java.util.TreeMap;

/** Facts a stage reports about its output; they are kept with the output in the store. */
public record StageOutput(Map<String, String> facts) {

  public StageOutput {
    facts = Map.copyOf(facts);
  }

  public static StageOutput none() {
    return new StageOutput(Map.of());
  }

  public static StageOutput of(String key, String value) {
    return new StageOutput(Map.of(key, value));
  }

  /** The facts sorted by name, for stable output. */
  public Map<String, String> sorted() {
    return new TreeMap<>(facts);
  }
}
