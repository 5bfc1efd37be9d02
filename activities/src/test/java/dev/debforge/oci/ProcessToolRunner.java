package dev.debforge.oci;

import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.plugin.ToolResult;
import dev.debforge.plugin.ToolRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A test-only runner that really runs the tool and records every argv. */
final class ProcessToolRunner implements ToolRunner {

  final List<List<String>> calls = new ArrayList<>();

  @Override
  public ToolResult run(ToolCall call) throws ToolException {
    calls.add(call.argv());
    long start = System.nanoTime();
    try {
      Process process = new ProcessBuilder(call.argv()).redirectErrorStream(true).start();
      if (!process.waitFor(call.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new ToolException(ToolException.Kind.TIMED_OUT, call.argv(), -1, "");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new ToolException(
            ToolException.Kind.EXIT_CODE, call.argv(), process.exitValue(), output);
      }
      return new ToolResult(0, output, Duration.ofNanos(System.nanoTime() - start));
    } catch (IOException e) {
      throw new ToolException(ToolException.Kind.NOT_FOUND, call.argv(), -1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolException(ToolException.Kind.KILLED, call.argv(), -1, "");
    }
  }
}
