package dev.debforge.workflow;

import java.util.List;

/**
 * A build's progress, as its workflow answers the {@code status} query.
 *
 * @param title what is built, once planned
 * @param steps the planned steps and their states; empty while planning
 */
public record BuildStatus(String title, List<StepStatus> steps) {
  public BuildStatus {
    steps = List.copyOf(steps);
  }

  /** A step's state: {@code pending}, {@code running}, {@code done}, {@code cached}, {@code failed}. */
  public record StepStatus(String name, String stage, String state, double seconds) {}
}
