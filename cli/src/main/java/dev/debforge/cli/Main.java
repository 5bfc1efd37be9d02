package dev.debforge.cli;

import dev.debforge.recipe.UserText;
import picocli.CommandLine;

/** The {@code debforge} command. */
public final class Main {

  private Main() {}

  static {
    // Temporal and gRPC are chatty at INFO; debforge reports progress itself. The Java test
    // server has no worker heartbeats, which the SDK warns about once per run. Its timers are
    // never removed: a step that runs past its schedule-to-start timeout (30 s) makes it log
    // "Failure trying to add task for an activity retry … Not in INITIATED" with a stack trace
    // when the stale timer fires, though the step is unaffected. A failed step and the build it
    // fails are reported by debforge itself, with the failure's message and hint; the SDK's own
    // warnings would print both stack traces before it.
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    setDefault("org.slf4j.simpleLogger.logFile", "System.err");
    setDefault("org.slf4j.simpleLogger.log.io.temporal.internal.worker.HeartbeatManager", "error");
    setDefault(
        "org.slf4j.simpleLogger.log.io.temporal.internal.testservice.TestWorkflowMutableStateImpl",
        "off");
    setDefault(
        "org.slf4j.simpleLogger.log.io.temporal.internal.activity"
            + ".ActivityTaskExecutors$ActivityTaskExecutor",
        "error");
    setDefault(
        "org.slf4j.simpleLogger.log.io.temporal.internal.sync.WorkflowExecutionHandler", "error");
    // PF4J logs a plugin that fails to load or start, sometimes twice; debforge reports each
    // plugin's fate once itself ('debforge plugins', and a warning for a failed one).
    setDefault("org.slf4j.simpleLogger.log.org.pf4j", "off");
    // Stopping the embedded engine at the end of a command may outwait a heartbeat executor's
    // graceful stop, which the SDK reports before stopping it at once: nothing is lost.
    setDefault(
        "org.slf4j.simpleLogger.log.io.temporal.internal.worker.ShutdownManager", "error");
  }

  private static void setDefault(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command and returns its exit code: 0 done, 1 the build failed, 2 bad input. */
  public static int run(String... args) {
    return run(
        new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
  }

  /** Runs the command with its output and error streams given, as tests and embedders do. */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new DebforgeCommand());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(new ErrorHandler());
    commandLine.setParameterExceptionHandler(
        (ex, unused) -> {
          ex.getCommandLine().getErr().println("error: " + UserText.printable(ex.getMessage()));
          ex.getCommandLine().getErr().println("Hint: see '" + ex.getCommandLine()
              .getCommandSpec().qualifiedName() + " --help'");
          return ExitCodes.BAD_INPUT;
        });
    return commandLine.execute(args);
  }
}
