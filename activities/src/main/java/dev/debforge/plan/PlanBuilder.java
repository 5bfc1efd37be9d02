package dev.debforge.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/** Collects planned steps and derives each one's store key from its stage, options and inputs. */
public final class PlanBuilder {

  /** Options as canonical JSON: sorted, so equal options give equal keys. */
  static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  private final String architecture;
  private final ToIntFunction<String> stageVersions;
  private final List<PlannedStep> steps = new ArrayList<>();
  private final Map<String, PlannedStep> byName = new HashMap<>();

  /** @param stageVersions stage id → its version, part of every key */
  public PlanBuilder(String architecture, ToIntFunction<String> stageVersions) {
    this.architecture = architecture;
    this.stageVersions = stageVersions;
  }

  /** Adds a cached step named after its stage; returns its name, which later steps read. */
  public String add(String stage, Object options, Map<String, String> inputs) {
    return add(stage, stage, options, inputs, true);
  }

  /** Adds a cached step with a name of its own (a stage used twice, like convert). */
  public String add(String name, String stage, Object options, Map<String, String> inputs) {
    return add(name, stage, options, inputs, true);
  }

  /** Adds a step that runs every time (publishing, verifying). */
  public String addUncached(String name, String stage, Object options, Map<String, String> inputs) {
    return add(name, stage, options, inputs, false);
  }

  private String add(
      String name, String stage, Object options, Map<String, String> inputs, boolean cached) {
    if (byName.containsKey(name)) {
      throw new IllegalArgumentException("the plan already has a step named " + name);
    }
    String json = canonical(options);
    Map<String, String> inputKeys = new LinkedHashMap<>();
    inputs.forEach(
        (role, from) -> {
          PlannedStep input = byName.get(from);
          if (input == null) {
            throw new IllegalArgumentException(name + " reads " + from + ", which is not planned");
          }
          inputKeys.put(role, input.key());
        });
    String key =
        cached
            ? Keys.of(stage, stageVersions.applyAsInt(stage), architecture, json, inputKeys)
            : null;
    PlannedStep step = new PlannedStep(name, stage, key, json, inputs);
    steps.add(step);
    byName.put(name, step);
    return name;
  }

  /** The store key of a planned step (null for an uncached one). */
  public String key(String name) {
    PlannedStep step = byName.get(name);
    if (step == null) {
      throw new IllegalArgumentException("no step named " + name);
    }
    return step.key();
  }

  public BuildPlan build(String title) {
    return new BuildPlan(title, architecture, steps);
  }

  static String canonical(Object options) {
    try {
      return CANONICAL.writeValueAsString(options);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("options cannot be written as JSON: " + options, e);
    }
  }
}
