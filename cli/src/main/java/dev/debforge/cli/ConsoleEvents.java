package dev.debforge.cli;

import dev.debforge.activity.BuildEvents;
import dev.debforge.plan.MultiArch;
import dev.debforge.recipe.UserText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prints what the in-process worker's steps report, on standard error.
 *
 * <p>When the command itself follows the build, a step's lines wait until the command has
 * printed that step's own line ({@link #announce}), so they come under it: the step starts on
 * the worker before the command's next look at the build.
 */
final class ConsoleEvents implements BuildEvents {

  /** How many lines one step may hold back; past that they are printed as they come. */
  static final int MAX_HELD = 10_000;

  private final PrintWriter err;
  private final boolean progress;
  private final boolean tools;
  private final boolean failures;
  private final Set<String> announced = new HashSet<>();
  private final Map<String, List<String>> held = new HashMap<>();
  private boolean gated;

  /**
   * @param progress print the stages' progress messages
   * @param tools print every line the tools print
   * @param failures print each failed step with its build, as a worker does: the CLI's own
   *     commands report a failed build themselves
   */
  /** Where the events go: the command's standard error. */
  PrintWriter err() {
    return err;
  }

  ConsoleEvents(PrintWriter err, boolean progress, boolean tools, boolean failures) {
    this.err = err;
    this.progress = progress;
    this.tools = tools;
    this.failures = failures;
  }

  /** From now on, a step's lines wait for {@link #announce}. */
  void holdUntilAnnounced() {
    synchronized (err) {
      gated = true;
    }
  }

  /** The command has printed the step's line: its held lines follow, the next ones pass. */
  void announce(String buildId, String step) {
    synchronized (err) {
      String key = key(buildId, step);
      if (announced.add(key)) {
        List<String> lines = held.remove(key);
        if (lines != null) {
          lines.forEach(this::print);
        }
      }
    }
  }

  /** Whether lines of the step wait for its announcement. */
  boolean holds(String buildId, String step) {
    synchronized (err) {
      return held.containsKey(key(buildId, step));
    }
  }

  /** Prints whatever is still held, in the order it came per step, and stops holding. */
  void releaseAll() {
    synchronized (err) {
      gated = false;
      held.values().forEach(lines -> lines.forEach(this::print));
      held.clear();
    }
  }

  @Override
  public void progress(String buildId, String step, String message) {
    if (progress) {
      emit(buildId, step, "      " + architectureOf(buildId) + step + ": " + message);
    }
  }

  @Override
  public void toolOutput(String buildId, String step, String line) {
    if (tools) {
      emit(buildId, step, "      " + architectureOf(buildId) + step + " | " + line);
    }
  }

  private void emit(String buildId, String step, String line) {
    synchronized (err) {
      String key = key(buildId, step);
      if (gated && !announced.contains(key)) {
        List<String> lines = held.computeIfAbsent(key, k -> new ArrayList<>());
        if (lines.size() < MAX_HELD) {
          lines.add(line);
          return;
        }
      }
      print(line);
    }
  }

  @Override
  public void failed(String buildId, String step, String message) {
    if (failures) {
      print("build " + buildId + ": step " + step + " failed: " + UserText.printable(message));
    }
  }

  /**
   * {@code ARCH: } for a child of a multi-architecture build (its id is {@code BUILD-ARCH}), so
   * that the lines of two architectures building at once can be told apart; else nothing.
   */
  static String architectureOf(String buildId) {
    String arch = MultiArch.architectureOfChild(buildId);
    return arch == null ? "" : arch + ": ";
  }

  private static String key(String buildId, String step) {
    return buildId + "/" + step;
  }

  private void print(String line) {
    synchronized (err) {
      err.println(line);
      err.flush();
    }
  }
}
