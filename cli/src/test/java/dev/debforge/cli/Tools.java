package dev.debforge.cli;

import dev.debforge.plugin.ToolCall;
import dev.debforge.process.ProcessRunner;
import java.time.Duration;
import java.util.List;

/** Runs a real tool from a test and returns its standard output; fails when the tool fails. */
final class Tools {

  private Tools() {}

  static String run(String... argv) throws Exception {
    return ProcessRunner.logging(line -> {})
        .run(ToolCall.of(List.of(argv), Duration.ofMinutes(10)))
        .stdout();
  }
}
