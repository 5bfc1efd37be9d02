package dev.debforge.activity;

import dev.debforge.plugin.Stage;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The stages a worker can run, by id: debforge's own and those plugins add. */
public final class StageRegistry {

  private final Map<String, Stage<?>> stages = new LinkedHashMap<>();

  public StageRegistry add(Stage<?> stage) {
    Stage<?> previous = stages.putIfAbsent(stage.id(), stage);
    if (previous != null && previous != stage) {
      throw new IllegalStateException(
          "two stages claim the id '" + stage.id() + "': " + previous.getClass().getName()
              + " and " + stage.getClass().getName());
    }
    return this;
  }

  public Optional<Stage<?>> find(String id) {
    return Optional.ofNullable(stages.get(id));
  }

  public Stage<?> get(String id) {
    return find(id)
        .orElseThrow(() -> new IllegalArgumentException("no stage with the id '" + id + "'"));
  }

  public Collection<Stage<?>> all() {
    return stages.values();
  }
}
