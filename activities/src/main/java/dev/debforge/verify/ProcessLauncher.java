package dev.debforge.verify;

import dev.debforge.plugin.ToolException;
import dev.debforge.process.DeathSignal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts a process that runs beside its caller, such as qemu while the verifier talks to the
 * guest's console.
 *
 * <p>It exists beside {@link dev.debforge.process.ProcessRunner} because that runner's
 * {@code run} blocks until the tool exits, which qemu never does on its own. It follows the same
 * rules: an argv list (never a shell string), every stderr line passed to a log sink with the
 * tool's label, a bounded tail of stderr kept for error messages, and the whole process tree
 * killed by {@link Running#close()}, which callers put in a try-with-resources so that it happens
 * on every path. Tests inject their own launcher so that no qemu is needed.
 *
 * <p>The process is started with a {@link DeathSignal}, so it also dies when debforge is killed
 * with SIGKILL. The signal fires when the <em>thread</em> that called {@link #start} ends, so that
 * thread must hold the process until it is closed, as {@link BootVerifier} does.
 */
public interface ProcessLauncher {

  /**
   * Starts the process.
   *
   * @throws ToolException of kind {@link ToolException.Kind#NOT_FOUND} when it cannot start
   */
  Running start(List<String> argv) throws ToolException;

  /**
   * Runs a short tool to its end, such as {@code qemu-img create}.
   *
   * @throws ToolException when it cannot start, runs longer than the timeout or exits non-zero
   */
  default void runToEnd(List<String> argv, Duration timeout)
      throws ToolException, InterruptedException {
    try (Running running = start(argv)) {
      if (!running.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new ToolException(ToolException.Kind.TIMED_OUT, argv, -1,
            argv.get(0) + " did not end within " + timeout.toSeconds() + " s");
      }
      if (running.exitValue() != 0) {
        throw new ToolException(ToolException.Kind.EXIT_CODE, argv, running.exitValue(),
            argv.get(0) + " exited with " + running.exitValue() + ": " + running.stderrTail());
      }
    }
  }

  /** A started process; closing it kills its tree. */
  interface Running extends AutoCloseable {

    boolean isAlive();

    /** Waits up to the given time for the process to exit by itself. */
    boolean waitFor(long time, TimeUnit unit) throws InterruptedException;

    /** The last lines the process wrote to stderr. */
    String stderrTail();

    /** The exit status of a process that has ended. */
    int exitValue();

    /** Kills the process and its descendants; does nothing when it has exited. */
    @Override
    void close();
  }

  /** The launcher that starts real processes, logging their stderr to the sink. */
  static ProcessLauncher host(Consumer<String> sink) {
    return new HostLauncher(sink);
  }

  /** The {@link ProcessBuilder} implementation. */
  final class HostLauncher implements ProcessLauncher {

    private static final int TAIL_LINES = 40;
    private final Consumer<String> sink;

    HostLauncher(Consumer<String> sink) {
      this.sink = sink;
    }

    @Override
    public Running start(List<String> argv) throws ToolException {
      if (!DeathSignal.canExecute(argv.get(0))) {
        // Through setpriv a missing program would start and exit 127; say it before starting.
        throw new ToolException(
            ToolException.Kind.NOT_FOUND, argv, -1, argv.get(0) + ": no such program on PATH");
      }
      ProcessBuilder builder =
          new ProcessBuilder(DeathSignal.wrap(argv))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new ToolException(ToolException.Kind.NOT_FOUND, argv, -1, e.getMessage());
      }
      String label = argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
      Deque<String> tail = new ArrayDeque<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader lines =
                    new BufferedReader(
                        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = lines.readLine()) != null) {
                    synchronized (tail) {
                      tail.addLast(line);
                      if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                      }
                    }
                    sink.accept(label + ": " + line);
                  }
                } catch (IOException ignored) {
                  // The process was killed and its pipe closed; what was read has been kept.
                }
              },
              "background-stderr-" + label);
      reader.setDaemon(true);
      reader.start();
      return new Running() {
        @Override
        public boolean isAlive() {
          return process.isAlive();
        }

        @Override
        public boolean waitFor(long time, TimeUnit unit) throws InterruptedException {
          return process.waitFor(time, unit);
        }

        @Override
        public String stderrTail() {
          synchronized (tail) {
            return String.join("\n", tail);
          }
        }

        @Override
        public int exitValue() {
          return process.exitValue();
        }

        @Override
        public void close() {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          try {
            process.waitFor(10, TimeUnit.SECONDS);
            reader.join(2_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      };
    }
  }
}
