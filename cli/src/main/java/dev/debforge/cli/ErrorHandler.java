package dev.debforge.cli;

import dev.debforge.activity.Failures;
import dev.debforge.plugin.ToolException;
import dev.debforge.recipe.UserText;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Prints what failed without a stack trace, unless {@code DEBFORGE_DEBUG} is set. */
final class ErrorHandler implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine commandLine, ParseResult parseResult) {
    if (ex instanceof UserError) {
      commandLine.getErr().println("error: " + UserText.printable(ex.getMessage()));
      return ExitCodes.BAD_INPUT;
    }
    if (ex instanceof Builds.UnreachableService) {
      commandLine.getErr().println("error: " + UserText.printable(ex.getMessage()));
      return ExitCodes.FAILED;
    }
    if (ex instanceof StatusRuntimeException grpc) {
      // The service answered the first call, then failed one: say so in words.
      commandLine.getErr().println("error: the Temporal service failed a request ("
          + grpc.getStatus().getCode().name().toLowerCase(Locale.ROOT).replace('_', ' ')
          + (grpc.getStatus().getDescription() == null
              ? "" : ": " + UserText.printable(grpc.getStatus().getDescription()))
          + ")\nHint: check that the service is still running; run the command again");
      return ExitCodes.FAILED;
    }
    if (ex instanceof ToolException tool) {
      // A program debforge runs here failed (a recipe script's sandbox could not start).
      commandLine.getErr().println("error: " + UserText.printable(tool.getMessage())
          + "\nHint: check that the program is installed and that the machine has memory free");
      return ExitCodes.FAILED;
    }
    if (ex instanceof IOException io) {
      // A file here could not be read or written: the machine's trouble, not a defect.
      commandLine.getErr().println("error: " + UserText.printable(Failures.describe(io))
          + "\nHint: check the path, its permissions and the free space");
      return ExitCodes.FAILED;
    }
    commandLine.getErr().println(
        "error: debforge defect: " + UserText.printable(String.valueOf(ex)));
    if (System.getenv("DEBFORGE_DEBUG") != null) {
      ex.printStackTrace(commandLine.getErr());
    } else {
      commandLine.getErr().println("Hint: this is a bug in debforge, not a problem with your"
          + " input; set DEBFORGE_DEBUG=1 for the stack trace and report it with the command"
          + " you ran");
    }
    return ExitCodes.FAILED;
  }
}
