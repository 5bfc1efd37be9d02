package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The shipped docker-compose.yml and Containerfile, checked without a container engine: the
 * services a cluster needs, what each depends on, and worker commands the real CLI accepts.
 */
class DockerComposeTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private static JsonNode compose() throws Exception {
    return new ObjectMapper(new YAMLFactory())
        .readTree(ROOT.resolve("docker-compose.yml").toFile());
  }

  @Test
  void namesTemporalOnPostgresqlItsUiAndWorkers() throws Exception {
    JsonNode services = compose().get("services");
    Set<String> names = new HashSet<>();
    services.fieldNames().forEachRemaining(names::add);
    assertEquals(Set.of("postgresql", "temporal", "temporal-ui", "worker-amd64", "worker-arm64"),
        names);
    assertTrue(services.get("postgresql").get("image").asText().contains("postgres"));
    JsonNode temporal = services.get("temporal");
    assertTrue(temporal.get("image").asText().startsWith("docker.io/temporalio/auto-setup:"));
    assertEquals("postgresql", temporal.get("environment").get("POSTGRES_SEEDS").asText());
    assertTrue(temporal.get("depends_on").has("postgresql"));
    assertEquals("7233:7233", temporal.get("ports").get(0).asText());
    assertEquals("temporal:7233",
        services.get("temporal-ui").get("environment").get("TEMPORAL_ADDRESS").asText());
  }

  @Test
  void workersAreBuiltFromTheContainerfileAndTheirCommandsParse() throws Exception {
    JsonNode services = compose().get("services");
    for (String name : List.of("worker-amd64", "worker-arm64")) {
      JsonNode worker = services.get(name);
      assertEquals("Containerfile", worker.get("build").get("dockerfile").asText());
      assertTrue(worker.get("depends_on").has("temporal"));
      List<String> command = new ArrayList<>();
      worker.get("command").forEach(arg -> command.add(arg.asText()));
      CommandLine.ParseResult parsed =
          new CommandLine(new DebforgeCommand()).parseArgs(command.toArray(String[]::new));
      CommandLine.ParseResult sub = parsed.subcommand();
      assertEquals("worker", sub.commandSpec().name());
      assertEquals("temporal:7233", sub.matchedOptionValue("--temporal", ""));
      assertEquals(name.substring("worker-".length()),
          sub.<List<String>>matchedOptionValue("--arch", List.of()).get(0));
    }
  }

  @Test
  void theContainerfileCopiesWhatTheRepositoryHas() throws Exception {
    String containerfile = Files.readString(ROOT.resolve("Containerfile"));
    Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(\\S+)").matcher(containerfile);
    int copies = 0;
    while (copy.find()) {
      assertTrue(Files.exists(ROOT.resolve(copy.group(1))), copy.group(1) + " is missing");
      copies++;
    }
    assertTrue(copies >= 5, "the Containerfile copies the sources");
    assertTrue(containerfile.contains("debforge.jar"));
    assertTrue(containerfile.contains("CMD [\"worker\"]"));
  }
}
