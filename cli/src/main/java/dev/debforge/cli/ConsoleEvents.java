package dev.debforge.cli;

import dev.debforge.activity.BuildEvents;
import java.io.PrintWriter;

/** Prints what the in-process worker's steps report, on standard error. */
final class ConsoleEvents implements BuildEvents {

  private final PrintWriter err;
  private final boolean progress;
  private final boolean tools;

  ConsoleEvents(PrintWriter err, boolean progress, boolean tools) {
    this.err = err;
    this.progress = progress;
    this.tools = tools;
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

  private void print(String line) {
    synchronized (err) {
      err.println(line);
      err.flush();
    }
  }
}
