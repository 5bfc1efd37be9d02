package dev.debforge.cli;

import dev.debforge.activity.BuildEvents;
import java.io.PrintWriter;

/** Prints what the in-process worker's steps report, on standard error. */
final class ConsoleEvents implements BuildEvents {

  private final PrintWriter err;
  private final boolean progress;
  private final boolean tools;
  private final boolean failures;

  /**
   * @param progress print the stages' progress messages
   * @param tools print every line the tools print
   * @param failures print each failed step with its build, as a worker does: the CLI's own
   *     commands report a failed build themselves
   */
  ConsoleEvents(PrintWriter err, boolean progress, boolean tools, boolean failures) {
    this.err = err;
    this.progress = progress;
    this.tools = tools;
    this.failures = failures;
  }

  @Override
  public void progress(String buildId, String step, String message) {
    if (progress) {
      print("      " + step + ": " + message);
    }
  }

  @Override
  public void toolOutput(String buildId, String step, String line) {
    if (tools) {
      print("      " + step + " | " + line);
    }
  }

  @Override
  public void failed(String buildId, String step, String message) {
    if (failures) {
      print("build " + buildId + ": step " + step + " failed: " + message);
    }
  }

  private void print(String line) {
    synchronized (err) {
      err.println(line);
      err.flush();
    }
  }
}
