package dev.debforge.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged CLI run as its own process, its output in a log file: servers and workers. */
final class DebforgeProcess implements AutoCloseable {

  static final Path JAR = Path.of("target/debforge.jar").toAbsolutePath();

  private final Process process;
  private final Path log;

  private DebforgeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static DebforgeProcess start(Path log, String... args) throws IOException {
    return start(log, List.of(), args);
  }

  /** Starts the CLI with these JVM options (such as -Djava.io.tmpdir) before the jar. */
  static DebforgeProcess start(Path log, List<String> jvmOptions, String... args)
      throws IOException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: the package phase builds it");
    }
    List<String> argv = new ArrayList<>();
    argv.add(ProcessHandle.current().info().command().orElse("java"));
    argv.addAll(jvmOptions);
    argv.add("-jar");
    argv.add(JAR.toString());
    argv.addAll(List.of(args));
    Process process =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new DebforgeProcess(process, log);
  }

  /** Waits until the log shows the text, failing if the process exits first. */
  DebforgeProcess awaitLog(String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (log().contains(text)) {
        return this;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("exited with " + process.exitValue() + ":\n" + log());
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("no '" + text + "' after " + timeout + ":\n" + log());
  }

  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  long pid() {
    return process.pid();
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  /** Waits for the process to exit by itself and returns its exit code. */
  int waitFor(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("still running after " + within);
    }
    return process.exitValue();
  }

  /** SIGTERM, as from a service manager or kill(1), and waits for the exit code. */
  int terminate(Duration within) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("still running " + within + " after SIGTERM");
    }
    return process.exitValue();
  }

  /** SIGKILL: the process gets no chance to clean up, as when a machine dies. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Whether the process is gone (or a zombie, which runs nothing and waits for PID 1 to reap
   * it) within the time.
   */
  static boolean endsWithin(long pid, Duration within) throws Exception {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        String text = Files.readString(stat);
        char state = text.charAt(text.lastIndexOf(')') + 2);
        if (state == 'Z' || state == 'X') {
          return true;
        }
      } catch (java.nio.file.NoSuchFileException gone) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }
}
