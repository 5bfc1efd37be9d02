package dev.debforge.stage.hook;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.debforge.plugin.BadInputException;
import dev.debforge.process.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Runs a script in a real child JVM against a temporary tree, for the tests. */
final class HookChild {

  /** Kept between test runs, so that GraalVM unpacks its languages once. */
  static final Path CACHE = Path.of("target/graalvm-cache").toAbsolutePath();

  final Path root;
  final Path scratch;
  final List<String> log = Collections.synchronizedList(new ArrayList<>());
  Duration lastRun;

  HookChild(Path temp) throws Exception {
    root = Files.createDirectories(temp.resolve("root"));
    scratch = Files.createDirectories(temp.resolve("scratch"));
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
  }

  static HookOptions options(String language, String at, String script, String name) {
    return HookOptions.of("test", at, language, script, name, null, "bookworm",
        "{\"name\":\"demo\",\"packages\":{\"install\":[\"vim\",\"curl\"]}}");
  }

  HookRequests run(HookOptions options) throws Exception {
    long started = System.nanoTime();
    try {
      return HookProcess.run(ProcessRunner.logging(log::add), options, root, "arm64", scratch,
          CACHE);
    } finally {
      lastRun = Duration.ofNanos(System.nanoTime() - started);
    }
  }

  BadInputException fails(HookOptions options) {
    return assertThrows(BadInputException.class, () -> run(options));
  }

  String logText() {
    synchronized (log) {
      return String.join("\n", log);
    }
  }
}
