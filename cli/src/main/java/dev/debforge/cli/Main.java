package dev.debforge.cli;

import picocli.CommandLine;

/** The {@code debforge} command. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    // Temporal and gRPC are chatty at INFO; debforge reports progress itself.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    // The Java test server has no worker heartbeats; the SDK warns about that once per run.
    System.setProperty(
        "org.slf4j.simpleLogger.log.io.temporal.internal.worker.HeartbeatManager", "error");
    System.exit(run(args));
  }

  /** Runs the command and returns its exit code: 0 done, 1 the build failed, 2 bad input. */
  public static int run(String... args) {
    CommandLine commandLine = new CommandLine(new DebforgeCommand());
    commandLine.setExecutionExceptionHandler(new ErrorHandler());
    commandLine.setParameterExceptionHandler(
        (ex, unused) -> {
          ex.getCommandLine().getErr().println("error: " + ex.getMessage());
          ex.getCommandLine().getErr().println("Hint: see '" + ex.getCommandLine()
              .getCommandSpec().qualifiedName() + " --help'");
          return ExitCodes.BAD_INPUT;
        });
    return commandLine.execute(args);
  }
}
