package dev.debforge.plan;

import java.util.List;
import java.util.Map;

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
}
