package dev.debforge.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
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
  private final Function<String, String> stagePlugins;
  private final List<PlannedStep> steps = new ArrayList<>();
  private final Map<String, String> pluginOfStep = new HashMap<>();
  private final Map<String, PlannedStep> byName = new HashMap<>();
  private List<String> after = List.of();

  /** @param stageVersions stage id → its version, part of every key */
  public PlanBuilder(String architecture, ToIntFunction<String> stageVersions) {
    this(architecture, stageVersions, stage -> null);
  }

  /**
   * @param stageVersions stage id → its version, part of every key
   * @param stagePlugins stage id → the {@code id@version} of the plugin it comes from, or null for
   *     debforge's own; part of the key, and recorded in the plan as a plugin the build needs
   */
  public PlanBuilder(
      String architecture,
      ToIntFunction<String> stageVersions,
      Function<String, String> stagePlugins) {
    this.architecture = architecture;
    this.stageVersions = stageVersions;
    this.stagePlugins = stagePlugins;
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
    String plugin = stagePlugins.apply(stage);
    if (plugin != null) {
      pluginOfStep.put(name, plugin);
    }
    String key =
        cached
            ? Keys.of(
                stage, stageVersions.applyAsInt(stage), plugin, architecture, json, inputKeys)
            : null;
    PlannedStep step = new PlannedStep(name, stage, key, json, inputs, after);
    steps.add(step);
    byName.put(name, step);
    return name;
  }

  /**
   * The steps added from now on start only once these have ended, though they read nothing of
   * theirs: a check that must pass before anything more is made of its input (a boot before the
   * conversions). Order alone: the keys do not change.
   */
  public void holdBackUntil(List<String> names) {
    for (String name : names) {
      if (!byName.containsKey(name)) {
        throw new IllegalArgumentException("no step named " + name);
      }
    }
    List<String> all = new ArrayList<>(after);
    all.addAll(names);
    after = List.copyOf(all);
  }

  /**
   * The steps added from now on start only once every step added so far has ended: a step that
   * makes the build's result visible to others only when all the rest succeeded.
   */
  public void holdBackUntilAll() {
    holdBackUntil(steps.stream().map(PlannedStep::name).toList());
  }

  /** The store key of a planned step (null for an uncached one). */
  public String key(String name) {
    PlannedStep step = byName.get(name);
    if (step == null) {
      throw new IllegalArgumentException("no step named " + name);
    }
    return step.key();
  }

  /** The last step added, which the next anchor's stage reads. */
  public String last() {
    return steps.get(steps.size() - 1).name();
  }

  public BuildPlan build(String title) {
    return build(title, step -> true);
  }

  /**
   * The plan of the steps {@code wanted} keeps and of the steps they read, directly or not: a
   * build that asks only for a file made from the image's tree does not make a disk.
   */
  public BuildPlan build(String title, Predicate<PlannedStep> wanted) {
    Set<String> keep = new HashSet<>();
    for (int i = steps.size() - 1; i >= 0; i--) {
      PlannedStep step = steps.get(i);
      if (keep.contains(step.name()) || wanted.test(step)) {
        keep.add(step.name());
        keep.addAll(step.inputs().values());
      }
    }
    List<PlannedStep> kept = steps.stream()
        .filter(s -> keep.contains(s.name()))
        .map(s -> new PlannedStep(s.name(), s.stage(), s.key(), s.options(), s.inputs(),
            s.after().stream().filter(keep::contains).toList()))
        .toList();
    Set<String> plugins = new TreeSet<>();
    kept.forEach(step -> {
      if (pluginOfStep.containsKey(step.name())) {
        plugins.add(pluginOfStep.get(step.name()));
      }
    });
    return new BuildPlan(title, architecture, kept, List.copyOf(plugins));
  }

  static String canonical(Object options) {
    try {
      return CANONICAL.writeValueAsString(options);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("options cannot be written as JSON: " + options, e);
    }
  }
}
