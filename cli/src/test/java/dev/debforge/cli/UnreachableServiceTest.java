package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The commands that talk to a Temporal service, pointed at a loopback port where nothing
 * listens: each says which address it tried and that no service answers there, exits with 1,
 * and prints no gRPC names or stack trace.
 */
class UnreachableServiceTest {

  @TempDir static Path dir;

  private static String target;
  private static Path recipe;

  @BeforeAll
  static void closedPort() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    target = "127.0.0.1:" + port;
    recipe = Files.writeString(dir.resolve("r.yaml"), "name: x\nbase:\n  suite: bookworm\n");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"status b-1", "list", "cancel b-1", "wait b-1", "logs -f b-1",
      "submit RECIPE", "build oci:/x -o OUT"})
  void saysNoServiceAnswersAtTheAddress(String command) {
    List<String> args = new java.util.ArrayList<>();
    for (String word : command.split(" ")) {
      args.add(word.replace("RECIPE", recipe.toString())
          .replace("OUT", dir.resolve("out").toString()));
    }
    args.add("--temporal");
    args.add(target);
    CliRun run =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20), () -> CliRun.of(args.toArray(String[]::new)));
    assertEquals(1, run.exitCode(), run.err());
    assertTrue(run.err().startsWith("error: no Temporal service answers at " + target + " ("),
        run.err());
    assertTrue(run.err().contains("\nHint: start one with 'debforge server"), run.err());
    for (String leak : List.of("Exception", "UNAVAILABLE", "io.grpc", "\tat ")) {
      assertFalse(run.err().contains(leak), run.err());
    }
  }
}
