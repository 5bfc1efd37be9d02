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
