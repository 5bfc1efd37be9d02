package dev.debforge.plan;

import java.util.List;

/**
 * The steps of one build, in order, as computed by the {@code plan} activity so that the
 * workflow only follows what history recorded.
 *
 * @param title what is built, for progress output ("minimal-bookworm for amd64")
 * @param architecture the Debian architecture built
 * @param steps the steps, each reading only outputs of steps before it
 * @param plugins the plugins whose stages the steps run, as {@code id@version}, sorted
 */
public record BuildPlan(
    String title, String architecture, List<PlannedStep> steps, List<String> plugins) {
  public BuildPlan {
    steps = List.copyOf(steps);
    plugins = plugins == null ? List.of() : List.copyOf(plugins);
  }

  public BuildPlan(String title, String architecture, List<PlannedStep> steps) {
    this(title, architecture, steps, List.of());
  }
}
