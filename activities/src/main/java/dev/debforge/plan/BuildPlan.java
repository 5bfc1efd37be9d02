package dev.debforge.plan;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The steps of one build, in order, as computed by the {@code plan} activity so that the
 * workflow only follows what history recorded.
 *
 * @param title what is built, for progress output ("minimal-bookworm for amd64")
 * @param architecture the Debian architecture built
 * @param steps the steps, each reading only outputs of steps before it
 * @param plugins the plugins whose stages the steps run, as {@code id@version}, sorted
 * @param stored the facts of each step output the planning worker's store had, by key: the
 *     workflow does not run a stored step that no step it runs reads (a cached image's
 *     debootstrap, say). Empty in plans recorded before it existed, which run every step.
 */
public record BuildPlan(
    String title,
    String architecture,
    List<PlannedStep> steps,
    List<String> plugins,
    Map<String, Map<String, String>> stored) {
  public BuildPlan {
    steps = List.copyOf(steps);
    plugins = plugins == null ? List.of() : List.copyOf(plugins);
    stored = stored == null ? Map.of() : Map.copyOf(stored);
  }

  public BuildPlan(
      String title, String architecture, List<PlannedStep> steps, List<String> plugins) {
    this(title, architecture, steps, plugins, Map.of());
  }

  public BuildPlan(String title, String architecture, List<PlannedStep> steps) {
    this(title, architecture, steps, List.of());
  }

  /** This plan with what the store has. */
  public BuildPlan withStored(Map<String, Map<String, String>> stored) {
    return new BuildPlan(title, architecture, steps, plugins, stored);
  }

  /**
   * The steps not to run: stored when the build was planned, and read by no step that runs. A
   * step runs when no step reads it (what the build is for: publishing, verifying, the final
   * image) or when a step that runs and is not stored reads it. A stored step that runs is a
   * cache hit and reads nothing. Should a stored output go before its step (a gc), that step runs
   * after all, misses its skipped input and the build is planned again, as for any missing input.
   * The workflow follows this, so it must stay deterministic.
   */
  public Set<String> unneeded() {
    Set<String> read = new HashSet<>();
    steps.forEach(step -> read.addAll(step.inputs().values()));
    Set<String> needed = new HashSet<>();
    Set<String> unneeded = new HashSet<>();
    for (int i = steps.size() - 1; i >= 0; i--) {
      PlannedStep step = steps.get(i);
      if (read.contains(step.name()) && !needed.contains(step.name())) {
        unneeded.add(step.name());
        continue;
      }
      if (!isStored(step)) {
        needed.addAll(step.inputs().values());
      }
    }
    return unneeded;
  }

  /**
   * The keys of the stored outputs that the build will read: those of stored steps that a step
   * which runs and is not stored reads. Cache hits read nothing, and skipped steps do not run.
   */
  public Set<String> readFromStore() {
    Set<String> unneeded = unneeded();
    Map<String, PlannedStep> byName = new HashMap<>();
    steps.forEach(step -> byName.put(step.name(), step));
    Set<String> keys = new LinkedHashSet<>();
    for (PlannedStep step : steps) {
      if (unneeded.contains(step.name()) || isStored(step)) {
        continue;
      }
      for (String input : step.inputs().values()) {
        PlannedStep from = byName.get(input);
        if (from != null && isStored(from)) {
          keys.add(from.key());
        }
      }
    }
    return keys;
  }

  private boolean isStored(PlannedStep step) {
    return step.key() != null && stored.containsKey(step.key());
  }
}
