package dev.debforge.store;

import java.nio.file.Path;
import java.util.Map;

/** A finished step output: its key, its data directory and the facts its stage reported. */
public record StoredObject(String key, Path data, Map<String, String> facts) {
  public StoredObject {
    facts = Map.copyOf(facts);
  }
}
