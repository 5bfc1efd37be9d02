package dev.debforge.disk;

import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.plugin.ToolResult;
import dev.debforge.plugin.ToolRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A minimal runner for integration tests: stdout is captured (or sent to the call's file),
 * stderr goes to a temporary file whose tail lands in the exception. The product's runner lives
 * elsewhere and does much more (labels, streaming, cancellation).
 */
final class ProcessToolRunner implements ToolRunner {

  @Override
  public ToolResult run(ToolCall call) throws ToolException {
    Instant start = Instant.now();
    Path stderr = null;
    Path stdout = null;
    try {
      stderr = Files.createTempFile("tool-", ".err");
      stdout = call.stdout() != null ? call.stdout() : Files.createTempFile("tool-", ".out");
      ProcessBuilder pb = new ProcessBuilder(call.argv());
      pb.environment().putAll(call.environment());
      if (call.directory() != null) {
        pb.directory(call.directory().toFile());
      }
      pb.redirectOutput(stdout.toFile());
      pb.redirectError(stderr.toFile());
      if (call.stdin() != null) {
        pb.redirectInput(call.stdin().toFile());
      } else {
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      }
      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        throw new ToolException(ToolException.Kind.NOT_FOUND, call.argv(), -1, e.getMessage());
      }
      if (!process.waitFor(call.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new ToolException(ToolException.Kind.TIMED_OUT, call.argv(), -1, tail(stderr));
      }
      if (process.exitValue() != 0) {
        throw new ToolException(
            ToolException.Kind.EXIT_CODE, call.argv(), process.exitValue(), tail(stderr));
      }
      String out = call.stdout() != null ? "" : Files.readString(stdout, StandardCharsets.UTF_8);
      return new ToolResult(0, out, Duration.between(start, Instant.now()));
    } catch (IOException e) {
      throw new ToolException(ToolException.Kind.NOT_FOUND, call.argv(), -1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolException(ToolException.Kind.KILLED, call.argv(), -1, "");
    } finally {
      deleteQuietly(stderr);
      if (call.stdout() == null) {
        deleteQuietly(stdout);
      }
    }
  }

  private static String tail(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // A leftover temporary file does not change the test's outcome.
      }
    }
  }
}
