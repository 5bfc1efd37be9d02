package dev.debforge.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final ProcessRunner runner = ProcessRunner.logging(lines::add);

  private static ToolCall sh(String script, Duration timeout) {
    return ToolCall.of(List.of("sh", "-c", script), timeout);
  }

  @Test
  void capturesStdoutAndLabelsEveryLine() throws Exception {
    String out = runner.run(sh("echo one; echo two >&2", Duration.ofSeconds(10))).stdout();
    assertEquals("one\n", out);
    assertTrue(lines.contains("sh: one"), lines.toString());
    assertTrue(lines.contains("sh: two"), lines.toString());
  }

  @Test
  void failureNamesTheToolTheCommandAndTheStderrTail() {
    ToolException e =
        assertThrows(
            ToolException.class,
            () -> runner.run(sh("echo first >&2; echo 'the reason' >&2; exit 3", Duration
                .ofSeconds(10))));
    assertEquals(ToolException.Kind.EXIT_CODE, e.kind());
    assertEquals(3, e.exitCode());
    assertTrue(e.getMessage().startsWith("sh failed with exit code 3\n"), e.getMessage());
    assertTrue(
        e.getMessage().contains("command: sh -c 'echo first >&2; echo '\\''the reason'\\'' >&2;"),
        e.getMessage());
    assertTrue(e.stderrTail().endsWith("the reason"), e.stderrTail());
  }

  @Test
  void missingToolIsReportedAsNotFound() {
    ToolException e =
        assertThrows(
            ToolException.class,
            () -> runner.run(ToolCall.of(List.of("no-such-tool-debforge"), Duration.ofSeconds(5))));
    assertEquals(ToolException.Kind.NOT_FOUND, e.kind());
    assertTrue(e.getMessage().startsWith("no-such-tool-debforge is not installed"));
  }

  @Test
  void timeoutKillsTheWholeProcessTree(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("child.pid");
    ToolException e =
        assertThrows(
            ToolException.class,
            () -> runner.run(sh("sleep 60 & echo $! > " + pidFile + "; wait", Duration
                .ofSeconds(1))));
    assertEquals(ToolException.Kind.TIMED_OUT, e.kind());
    long child = Long.parseLong(Files.readString(pidFile).strip());
    assertFalse(running(child), "the backgrounded child must be killed too");
  }

  @Test
  void cancellationFromTheTickKillsTheToolAndPropagates(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("pid");
    ProcessRunner cancelling =
        new ProcessRunner(
            lines::add,
            () -> {
              throw new IllegalStateException("cancelled");
            });
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> cancelling.run(sh("echo $$ > " + pidFile + "; sleep 60", Duration
                .ofMinutes(1))));
    assertEquals("cancelled", e.getMessage());
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    assertFalse(running(pid));
  }

  @Test
  void stdoutCanGoToAFileAndStdinComeFromOne(@TempDir Path dir) throws Exception {
    Path in = Files.writeString(dir.resolve("in"), "payload\n");
    Path out = dir.resolve("out");
    runner.run(ToolCall.of(List.of("cat"), Duration.ofSeconds(10)).withStdin(in).withStdout(out));
    assertEquals("payload\n", Files.readString(out));
  }

  @Test
  void aToolDiesWhenItsParentIsKilledWithSigkill() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process parent =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                DeathSignalParent.class.getName(),
                "297")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    ProcessHandle sleep = null;
    try {
      sleep = awaitDescendant(parent, "sleep", Duration.ofSeconds(30));
      parent.destroyForcibly(); // SIGKILL: no shutdown hook of the parent runs
      assertTrue(parent.waitFor(10, TimeUnit.SECONDS), "the parent JVM must die");
      assertFalse(running(sleep.pid()), "sleep " + sleep.pid() + " outlived its killed parent");
    } finally {
      if (sleep != null) {
        sleep.destroyForcibly();
      }
      parent.descendants().forEach(ProcessHandle::destroyForcibly);
      parent.destroyForcibly();
    }
  }

  @Test
  void aMissingToolBehindTheDeathSignalIsStillNotFound() {
    ToolException e =
        assertThrows(
            ToolException.class,
            () -> runner.run(ToolCall.of(List.of("/nonexistent/tool"), Duration.ofSeconds(5))));
    assertEquals(ToolException.Kind.NOT_FOUND, e.kind());
  }

  @Test
  void everyToolIsStartedWithTheDeathSignal() {
    List<String> argv = DeathSignal.wrap(List.of("sleep", "1"));
    assertEquals(
        List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "sleep", "1"), argv,
        "setpriv is in util-linux, which every Debian system has");
  }

  /** The descendant running this program, waiting for it to appear within the time. */
  static ProcessHandle awaitDescendant(Process parent, String command, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      for (ProcessHandle child : parent.descendants().toList()) {
        String name = child.info().command().orElse("");
        if (name.endsWith("/" + command)) {
          return child;
        }
      }
      assertTrue(parent.isAlive(), "the parent exited with " + (parent.isAlive() ? "" : parent
          .exitValue()));
      Thread.sleep(100);
    }
    throw new AssertionError("no " + command + " under pid " + parent.pid() + " within " + within);
  }

  /**
   * Whether a process still runs. A killed process whose parent died first stays a zombie until
   * PID 1 reaps it, which in a container may be never; a zombie runs nothing.
   */
  private static boolean running(long pid) throws Exception {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    for (int i = 0; i < 50; i++) {
      if (!Files.exists(stat)) {
        return false;
      }
      String text = Files.readString(stat);
      char state = text.charAt(text.lastIndexOf(')') + 2);
      if (state == 'Z' || state == 'X') {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }
}
