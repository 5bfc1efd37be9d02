package dev.debforge.process;

import dev.debforge.plugin.ToolCall;
import java.time.Duration;
import java.util.List;

/**
 * A parent for {@link ProcessRunnerTest}: runs {@code sleep} through the process runner on its
 * main thread and waits for it, until the test kills this JVM with SIGKILL.
 */
public final class DeathSignalParent {
  private DeathSignalParent() {}

  public static void main(String[] args) throws Exception {
    ProcessRunner.logging(line -> {})
        .run(ToolCall.of(List.of("sleep", args[0]), Duration.ofMinutes(5)));
  }
}
