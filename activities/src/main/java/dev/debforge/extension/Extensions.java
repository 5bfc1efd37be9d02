package dev.debforge.extension;

import dev.debforge.plugin.Anchor;
import dev.debforge.plugin.OutputType;
import dev.debforge.plugin.PipelineContribution;
import dev.debforge.plugin.Stage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a worker can run: stages by id, output types by {@code --type} value and the pipeline
 * contributions that insert stages at anchors, each with its {@link Origin} (none for debforge's
 * own). debforge's stages and disk types register here exactly as plugins' do; {@link
 * dev.debforge.extension.PluginLoader} adds a plugin's extensions all or none, so a plugin whose id
 * clashes never half-registers.
 */
public final class Extensions {

  /** A contribution with the plugin it came from. */
  public record Contribution(PipelineContribution contribution, Origin origin) {
    public String stage() {
      return contribution.stage();
    }

    public Anchor anchor() {
      return contribution.anchor();
    }
  }

  private final Map<String, Stage<?>> stages = new LinkedHashMap<>();
  private final Map<String, OutputType> outputTypes = new LinkedHashMap<>();
  private final Map<String, Origin> origins = new LinkedHashMap<>();
  private final Map<String, Origin> typeOrigins = new LinkedHashMap<>();
  private final List<Contribution> contributions = new ArrayList<>();
  private final List<PluginReport> plugins = new ArrayList<>();

  /** Adds one of debforge's own stages. */
  public Extensions add(Stage<?> stage) {
    return add(stage, null);
  }

  /**
   * Adds a stage.
   *
   * @throws IllegalStateException when another stage has the id
   */
  public Extensions add(Stage<?> stage, Origin origin) {
    checkStageFree(stage.id());
    stages.put(stage.id(), stage);
    if (origin != null) {
      origins.put(stage.id(), origin);
    }
    return this;
  }

  /** Adds one of debforge's own output types. */
  public Extensions add(OutputType type) {
    return add(type, null);
  }

  /**
   * Adds an output type.
   *
   * @throws IllegalStateException when another output type has the id
   */
  public Extensions add(OutputType type, Origin origin) {
    checkTypeFree(type.id());
    outputTypes.put(type.id(), type);
    if (origin != null) {
      typeOrigins.put(type.id(), origin);
    }
    return this;
  }

  public Extensions add(PipelineContribution contribution, Origin origin) {
    contributions.add(new Contribution(contribution, origin));
    return this;
  }

  /** Throws when a stage with this id is registered, naming who has it. */
  void checkStageFree(String id) {
    if (stages.containsKey(id)) {
      throw new IllegalStateException(
          "the stage id '" + id + "' is taken by " + describe(origins.get(id)));
    }
  }

  /** Throws when an output type with this id is registered, naming who has it. */
  void checkTypeFree(String id) {
    if (outputTypes.containsKey(id)) {
      throw new IllegalStateException(
          "the output type '" + id + "' is taken by " + describe(typeOrigins.get(id)));
    }
  }

  private static String describe(Origin origin) {
    return origin == null ? "debforge itself" : origin.toString();
  }

  void report(PluginReport report) {
    plugins.add(report);
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

  /** The plugin a stage comes from; empty for debforge's own. */
  public Optional<Origin> origin(String stageId) {
    return Optional.ofNullable(origins.get(stageId));
  }

  /** The plugin an output type comes from; empty for debforge's own. */
  public Optional<Origin> typeOrigin(String typeId) {
    return Optional.ofNullable(typeOrigins.get(typeId));
  }

  public Optional<OutputType> outputType(String id) {
    return Optional.ofNullable(outputTypes.get(id));
  }

  /** Every output type, debforge's first, in the order they were added. */
  public Collection<OutputType> outputTypes() {
    return outputTypes.values();
  }

  /**
   * The output types asked for, in order, a repeated one once.
   *
   * @throws IllegalArgumentException for an unknown type (the message lists the known ones), or
   *     two that write the same file (raw and ami are both {@code image/disk.raw})
   */
  public List<String> selectTypes(List<String> texts) {
    Map<String, OutputType> byPath = new LinkedHashMap<>();
    for (String text : texts) {
      String id = text.strip().toLowerCase(java.util.Locale.ROOT);
      OutputType type = outputTypes.get(id);
      if (type == null) {
        throw new IllegalArgumentException(
            "unknown disk type '" + text.strip() + "'; debforge makes "
                + String.join(", ", outputTypes.keySet()));
      }
      String path = type.directory() + "/" + type.fileName();
      OutputType other = byPath.putIfAbsent(path, type);
      if (other != null && other != type) {
        throw new IllegalArgumentException(
            other.id() + " and " + type.id() + " are both written to " + path
                + ", the same file: ask for one of them");
      }
    }
    return byPath.values().stream().map(OutputType::id).toList();
  }

  public List<Contribution> contributions() {
    return List.copyOf(contributions);
  }

  /** The contributions of one plugin. */
  public List<Contribution> contributions(String pluginId) {
    return contributions.stream().filter(c -> c.origin().pluginId().equals(pluginId)).toList();
  }

  /** Every plugin found, whatever its state, in the order they were found. */
  public List<PluginReport> plugins() {
    return List.copyOf(plugins);
  }

  /** The plugin with this id that started, if any. */
  public Optional<PluginReport> startedPlugin(String id) {
    return plugins.stream().filter(p -> p.started() && id.equals(p.id())).findFirst();
  }

  /**
   * What this worker offers to builds, as the claim compares it with what a build needs:
   * {@code type:ID} for every output type and {@code plugin:ID@VERSION} for every started plugin.
   */
  public List<String> capabilities() {
    List<String> offered = new ArrayList<>();
    outputTypes.keySet().forEach(id -> offered.add("type:" + id));
    plugins.stream().filter(PluginReport::started)
        .forEach(p -> offered.add("plugin:" + p.id() + "@" + p.version()));
    return offered;
  }
}
