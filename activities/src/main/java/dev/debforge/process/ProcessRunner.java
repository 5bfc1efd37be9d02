package dev.debforge.process;

import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.plugin.ToolResult;
import dev.debforge.plugin.ToolRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one way debforge starts external tools. It streams every output line to a sink with the
 * tool's label, keeps a bounded tail of stderr for error messages, enforces the call's timeout and
 * kills the whole process tree when the call times out or the caller is cancelled.
 *
 * <p>Cancellation comes through {@link #tick}: the runner calls it about every
 * {@link #TICK_INTERVAL} while a tool runs, and the activity's heartbeat inside it throws when the
 * build was cancelled. The runner then kills the tree and reports {@link ToolException.Kind#KILLED}.
 *
 * <p>Every tool is started with a {@link DeathSignal}, so it dies with debforge even when debforge
 * is killed with SIGKILL.
 */
public final class ProcessRunner implements ToolRunner {

  static final Duration TICK_INTERVAL = Duration.ofSeconds(5);
  private static final int TAIL_LINES = 40;
  private static final int STDOUT_LIMIT = 4 * 1024 * 1024;

  private final Consumer<String> sink;
  private final Runnable tick;

  /**
   * @param sink receives every output line, prefixed with the tool's name
   * @param tick called periodically while a tool runs; it may throw to cancel the call
   */
  public ProcessRunner(Consumer<String> sink, Runnable tick) {
    this.sink = sink;
    this.tick = tick;
  }

  /** A runner that logs to the sink and is never cancelled. */
  public static ProcessRunner logging(Consumer<String> sink) {
    return new ProcessRunner(sink, () -> {});
  }

  @Override
  public ToolResult run(ToolCall call) throws ToolException {
    // Started on this thread, which waits for the tool below: the death signal fires when the
    // starting thread ends, and this one outlives the tool.
    ProcessBuilder builder = new ProcessBuilder(DeathSignal.wrap(call.argv()));
    builder.environment().putAll(call.environment());
    if (call.directory() != null) {
      builder.directory(call.directory().toFile());
    }
    if (call.stdin() != null) {
      builder.redirectInput(call.stdin().toFile());
    } else {
      builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    if (call.stdout() != null) {
      builder.redirectOutput(call.stdout().toFile());
    }
    long started = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new ToolException(ToolException.Kind.NOT_FOUND, call.argv(), -1, e.getMessage());
    }
    String label = call.tool();
    Deque<String> tail = new ArrayDeque<>();
    StringBuilder stdout = new StringBuilder();
    Thread errReader = pump(process.getErrorStream(), label, line -> remember(tail, line));
    Thread outReader =
        call.stdout() == null
            ? pump(
                process.getInputStream(),
                label,
                line -> {
                  synchronized (stdout) {
                    if (stdout.length() < STDOUT_LIMIT) {
                      stdout.append(line).append('\n');
                    }
                  }
                })
            : null;
    long deadline = started + call.timeout().toNanos();
    try {
      while (!process.waitFor(
          Math.max(1, Math.min(TICK_INTERVAL.toNanos(), deadline - System.nanoTime())),
          TimeUnit.NANOSECONDS)) {
        if (System.nanoTime() >= deadline) {
          kill(process);
          join(errReader, outReader);
          throw new ToolException(ToolException.Kind.TIMED_OUT, call.argv(), -1, tail(tail));
        }
        tick.run();
      }
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new ToolException(ToolException.Kind.KILLED, call.argv(), -1, tail(tail));
    } catch (RuntimeException cancelled) {
      kill(process);
      join(errReader, outReader);
      throw cancelled;
    }
    join(errReader, outReader);
    int exit = process.exitValue();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    if (exit != 0) {
      String last = lastLine(tail);
      if (DeathSignal.execFailed(exit, last)) {
        throw new ToolException(
            ToolException.Kind.NOT_FOUND,
            call.argv(),
            -1,
            last.substring(DeathSignal.EXEC_FAILED.length()));
      }
      throw new ToolException(ToolException.Kind.EXIT_CODE, call.argv(), exit, tail(tail));
    }
    synchronized (stdout) {
      return new ToolResult(exit, stdout.toString(), elapsed);
    }
  }

  private Thread pump(InputStream stream, String label, Consumer<String> also) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  also.accept(line);
                  sink.accept(label + ": " + line);
                }
              } catch (IOException ignored) {
                // The process was killed and its pipe closed; what was read has been passed on.
              }
            },
            "tool-output-" + label);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void remember(Deque<String> tail, String line) {
    synchronized (tail) {
      tail.addLast(line);
      if (tail.size() > TAIL_LINES) {
        tail.removeFirst();
      }
    }
  }

  private static String lastLine(Deque<String> tail) {
    synchronized (tail) {
      return tail.peekLast();
    }
  }

  private static String tail(Deque<String> tail) {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  /** Kills the process and every descendant, children first so that none is re-parented. */
  static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void join(Thread... threads) {
    for (Thread thread : threads) {
      if (thread != null) {
        try {
          thread.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
