package dev.debforge.disk;

import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.process.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What a file takes on disk, its blocks as {@code stat} counts them: for tests of holes. */
public final class AllocatedBytes {

  private AllocatedBytes() {}

  public static long of(Path file) throws ToolException {
    String blocks =
        ProcessRunner.logging(line -> {})
            .run(ToolCall.of(List.of("stat", "-c", "%b", file.toString()), Duration.ofMinutes(1)))
            .stdout()
            .strip();
    return Long.parseLong(blocks) * 512;
  }
}
