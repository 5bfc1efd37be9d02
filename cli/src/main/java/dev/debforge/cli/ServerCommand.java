package dev.debforge.cli;

import io.temporal.testserver.TestServer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code debforge server}: the embedded Temporal service on a port, for several workers. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Run the embedded Temporal service on a port, so that several worker processes share it.",
      "It is the Java test server in real time: it keeps every build in memory only, and a",
      "restart forgets them all. Use a Temporal cluster for builds that must outlive it",
      "(see docs/operations.md). Stops on SIGINT or SIGTERM."
    })
final class ServerCommand implements Callable<Integer> {

  @Option(
      names = "--port",
      defaultValue = "7233",
      description = "The port to listen on (default: ${DEFAULT-VALUE}).")
  int port;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    TestServer.PortBoundTestServer server;
    try {
      // true: time is never skipped, builds run in real time.
      server = TestServer.createPortBoundServer(port, true);
    } catch (RuntimeException e) {
      throw new UserError(
          "cannot listen on port " + port + ": " + e.getMessage()
              + "\nHint: another server may be running; choose another port with --port");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "debforge-server-stop"));
    PrintWriter err = spec.commandLine().getErr();
    err.println("debforge server: Temporal service on port " + port
        + " (in memory only; workers join with --temporal localhost:" + port + ")");
    err.flush();
    stopped.await();
    return ExitCodes.DONE;
  }
}
