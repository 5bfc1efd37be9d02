package dev.debforge.workflow;

import java.util.List;

/**
 * A build's progress, as its workflow answers the {@code status} query.
 *
 * @param title what is built, once planned
 * @param steps the planned steps and their states; empty while planning
 * @param worker the worker running the build ({@code HOST pid PID}), or null while it waits for
 *     one
 * @param notes what happened to the build beyond its steps, such as moving to another worker
 *     or waiting for a worker with a plugin
 * @param plugins the plugins the plan runs, as {@code id@version}; empty before planning
 * @param children the builds of a multi-architecture build, one per architecture, by build id;
 *     empty for a build of one architecture
 */
public record BuildStatus(
    String title, List<StepStatus> steps, String worker, List<String> notes,
    List<String> plugins, List<String> children) {
  public BuildStatus {
    steps = List.copyOf(steps);
    notes = notes == null ? List.of() : List.copyOf(notes);
    plugins = plugins == null ? List.of() : List.copyOf(plugins);
    children = children == null ? List.of() : List.copyOf(children);
  }

  public BuildStatus(
      String title, List<StepStatus> steps, String worker, List<String> notes,
      List<String> plugins) {
    this(title, steps, worker, notes, plugins, List.of());
  }

  public BuildStatus(String title, List<StepStatus> steps, String worker, List<String> notes) {
    this(title, steps, worker, notes, List.of());
  }

  /**
   * A step's state: {@code pending}, {@code running}, {@code done}, {@code cached},
   * {@code skipped} (not in the store, but read by no step that runs), {@code failed},
   * {@code cancelled}.
   */
  public record StepStatus(String name, String stage, String state, double seconds) {}
}
