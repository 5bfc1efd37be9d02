package dev.debforge.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Prints what failed without a stack trace, unless {@code DEBFORGE_DEBUG} is set. */
final class ErrorHandler implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine commandLine, ParseResult parseResult) {
    if (ex instanceof UserError) {
      commandLine.getErr().println("error: " + ex.getMessage());
      return ExitCodes.BAD_INPUT;
    }
    commandLine.getErr().println("error: " + ex);
    if (System.getenv("DEBFORGE_DEBUG") != null) {
      ex.printStackTrace(commandLine.getErr());
    } else {
      commandLine.getErr().println("Hint: set DEBFORGE_DEBUG=1 for the stack trace");
    }
    return ExitCodes.FAILED;
  }
}
