package dev.debforge.plugin;

/** Runs one external tool; see {@link ToolCall} for what a call may say. */
public interface ToolRunner {

  /**
   * Runs the call to completion.
   *
   * @throws ToolException when the tool cannot be started, exits non-zero, times out or is
   *     cancelled; the exception names the tool, its argv and the tail of its stderr
   */
  ToolResult run(ToolCall call) throws ToolException;
}
