package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.plugin.Stage;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The example plugin under plugins/examples/hello, compiled and packed here with the JDK's javac
 * and jar from its sources (outside debforge's build): listed by {@code debforge plugins} beside a
 * corrupt jar, its stage run before the commit of a compose (its file is in the image's layer),
 * its output type written by a build, and a new version of it re-running its own step only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SOURCES = Path.of("../plugins/examples/hello/src/main/java");
  private static final String MESSAGE = "greetings from PluginsIT";

  private static Path work;
  private static Path plugins;
  private static Path broken;
  private static Path layout;

  @BeforeAll
  static void packPlugin() throws Exception {
    work = Files.createTempDirectory("debforge-plugins-it");
    plugins = pack("1.0.0", work.resolve("v1"));
    broken = Files.createDirectories(work.resolve("broken"));
    Files.writeString(broken.resolve("corrupt.jar"), "this is not a jar");
    layout = work.resolve("layout");
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (work != null) {
      Trees.delete(work);
    }
  }

  /** Compiles the example's sources against the plugin API and packs them as a jar plugin. */
  private static Path pack(String version, Path dir) throws Exception {
    Path classes = Files.createDirectories(dir.resolve("classes"));
    Path api = Path.of(Stage.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path pf4j =
        Path.of(org.pf4j.Extension.class.getProtectionDomain().getCodeSource().getLocation()
            .toURI());
    String classPath = api + ":" + pf4j;
    List<String> javac = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
        "--release", "17", "-d", classes.toString(), "-classpath", classPath,
        "-processorpath", pf4j.toString(),
        "-processor", "org.pf4j.processor.ExtensionAnnotationProcessor"));
    try (Stream<Path> files = Files.walk(SOURCES)) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> javac.add(p.toString()));
    }
    Tools.run(javac.toArray(String[]::new));
    Path manifest = dir.resolve("MANIFEST.MF");
    Files.writeString(manifest, "Plugin-Id: hello\nPlugin-Version: " + version
        + "\nPlugin-Provider: debforge\nPlugin-Requires: >=1.0.0 & <2.0.0\n");
    Path jars = Files.createDirectories(dir.resolve("plugins"));
    Tools.run(Path.of(System.getProperty("java.home"), "bin", "jar").toString(), "--create",
        "--file", jars.resolve("hello-" + version + ".jar").toString(),
        "--manifest", manifest.toString(), "-C", classes.toString(), ".");
    return jars;
  }

  @Test
  @Order(1)
  void pluginsListsTheExampleAndTheCorruptJarBesideIt() throws Exception {
    CliRun run =
        CliRun.of("plugins", "--plugins", plugins.toString(), "--plugins", broken.toString(),
            "--json");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode result = JSON.readTree(run.out());
    Map<String, JsonNode> byId = new HashMap<>();
    result.get("plugins").forEach(p -> byId.put(p.get("id").asText(), p));
    JsonNode hello = byId.get("hello");
    assertEquals("started", hello.get("state").asText(), hello.toString());
    assertEquals("1.0.0", hello.get("version").asText());
    assertEquals("debforge", hello.get("provider").asText());
    assertEquals(">=1.0.0 & <2.0.0", hello.get("requires").asText());
    assertEquals("[\"hello-file-list\",\"hello-greeting\"]",
        sorted(hello.get("stages")).toString());
    assertEquals("[\"hello-greeting@before-commit\"]", hello.get("anchors").toString());
    assertEquals("[\"file-list\"]", hello.get("outputTypes").toString());
    JsonNode corrupt = byId.get("corrupt.jar");
    assertEquals("failed", corrupt.get("state").asText());
    assertTrue(corrupt.get("reason").asText().startsWith("cannot be read as a plugin"),
        corrupt.toString());
    assertTrue(result.get("outputTypes").toString().contains("\"id\":\"file-list\""));
  }

  private static JsonNode sorted(JsonNode array) {
    List<String> items = new ArrayList<>();
    array.forEach(item -> items.add(item.asText()));
    items.sort(null);
    return JSON.valueToTree(items);
  }

  @Test
  @Order(2)
  void aRecipeNamingThePluginGetsItsFileInTheImageBeforeTheCommit() throws Exception {
    Path recipe = work.resolve("minimal-bookworm.yaml");
    Files.writeString(recipe, Files.readString(Path.of(ComposeIT.RECIPE))
        + "plugins:\n  hello:\n    message: " + MESSAGE + "\n");
    CliRun compose =
        CliRun.of("compose", recipe.toString(), "--arch", "amd64",
            "-o", "oci:" + layout + ":latest",
            "--plugins", plugins.toString(), "--plugins", broken.toString(),
            "--store", ComposeIT.STORE.toString(), "--json");
    assertEquals(0, compose.exitCode(), compose.err());
    assertEquals(1, compose.err().split("warning: plugin corrupt.jar", -1).length - 1,
        "a broken plugin is reported once: " + compose.err());
    JsonNode steps = JSON.readTree(compose.out()).get("steps");
    List<String> stages = new ArrayList<>();
    steps.forEach(s -> stages.add(s.get("stage").asText()));
    assertEquals(
        List.of("debootstrap", "configure", "initramfs", "hello-greeting", "ostree-commit",
            "oci-export", "publish"),
        stages);
    JsonNode greeting = steps.get(3);
    if (greeting.path("skipped").asBoolean() && !greeting.get("facts").has("greeting")) {
      // A warm store kept the commit made after the plugin's step but not the step itself (the
      // size limit removed it): the step was not needed. The file in the layer below shows it
      // ran when the commit was made; StageRuntimeTest covers the facts it keeps.
      assertTrue(steps.get(4).get("cacheHit").asBoolean() || steps.get(5).get("cacheHit")
          .asBoolean(), "only a stored image makes the plugin's step unneeded: " + steps);
    } else {
      assertEquals("/usr/share/hello/greeting", greeting.get("facts").get("greeting").asText());
      assertTrue(greeting.get("facts").has("kernel"),
          "the plugin's step keeps the facts of the tree it copied: " + greeting);
    }
    assertEquals(MESSAGE + "\n", fileInLayer("usr/share/hello/greeting"));
  }

  /** A file of the image's (single) layer, read with tar from the OCI layout. */
  private static String fileInLayer(String path) throws Exception {
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    String manifest = index.get("manifests").get(0).get("digest").asText().substring(7);
    JsonNode layers =
        JSON.readTree(layout.resolve("blobs/sha256/" + manifest).toFile()).get("layers");
    assertEquals(1, layers.size());
    String blob = layers.get(0).get("digest").asText().substring(7);
    return Tools.run("tar", "-xzOf", layout.resolve("blobs/sha256/" + blob).toString(),
        "--wildcards", "*" + path);
  }

  @Test
  @Order(3)
  void itsOutputTypeWritesItsFileAndANewVersionRerunsOnlyItsStep() throws Exception {
    Path out = work.resolve("out");
    JsonNode first = build(plugins, out);
    List<String> files = Files.readAllLines(out.resolve("hello/files.txt"));
    assertTrue(files.contains("/usr/share/hello/greeting"), "the listed tree is the image's");
    assertTrue(files.contains("/usr/lib/modules"));
    assertEquals(List.of("extract", "hello-file-list", "publish-disk"), stages(first),
        "a build asking only for the file list makes no disk");

    JsonNode again = build(plugins, out);
    assertTrue(again.get("steps").get(1).get("cacheHit").asBoolean(), "same plugin: cached");

    Path upgraded = pack("1.1.0", work.resolve("v2"));
    JsonNode second = build(upgraded, out);
    assertTrue(second.get("steps").get(0).get("cacheHit").asBoolean(), "extract is cached");
    assertFalse(second.get("steps").get(1).get("cacheHit").asBoolean(),
        "the upgraded plugin's step runs again");
    assertTrue(Files.readAllLines(out.resolve("hello/files.txt")).contains("/usr/lib/modules"));
  }

  @Test
  @Order(4)
  void onABuildServiceTheBuildWaitsForAWorkerWithThePluginAndRunsThere() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String temporal = "localhost:" + port;
    Path out = work.resolve("served");
    try (DebforgeProcess server =
            DebforgeProcess.start(work.resolve("server.log"), "server", "--port",
                    Integer.toString(port))
                .awaitLog("Temporal service on port", java.time.Duration.ofSeconds(60));
        DebforgeProcess without =
            DebforgeProcess.start(work.resolve("worker-without.log"), "worker", "--temporal",
                    temporal, "--store", ComposeIT.STORE.toString())
                .awaitLog("debforge worker", java.time.Duration.ofSeconds(60))) {
      CliRun submit =
          CliRun.of("submit", "oci:" + layout + ":latest", "--type", "file-list", "-o",
              out.toString(), "--temporal", temporal);
      assertEquals(0, submit.exitCode(), submit.err());
      String id = submit.out().strip();
      JsonNode status = null;
      String note = "";
      for (long end = System.nanoTime() + 60_000_000_000L; System.nanoTime() < end; ) {
        CliRun run = CliRun.of("status", id, "--temporal", temporal, "--json");
        assertEquals(0, run.exitCode(), run.err());
        status = JSON.readTree(run.out());
        if (status.has("notes") && status.get("notes").size() > 0) {
          note = status.get("notes").get(0).asText();
          break;
        }
        Thread.sleep(500);
      }
      assertTrue(note.startsWith("waiting for a worker with type file-list: worker "),
          "the status says why the build waits: " + status);
      assertEquals("running", status.get("state").asText());
      try (DebforgeProcess with =
          DebforgeProcess.start(work.resolve("worker-with.log"), "worker", "--temporal", temporal,
                  "--store", ComposeIT.STORE.toString(), "--plugins", plugins.toString())
              .awaitLog("plugin hello 1.0.0", java.time.Duration.ofSeconds(60))) {
        CliRun wait = CliRun.of("wait", id, "--temporal", temporal, "--json");
        assertEquals(0, wait.exitCode(), wait.err());
        CliRun after = CliRun.of("status", id, "--temporal", temporal, "--json");
        JsonNode done = JSON.readTree(after.out());
        assertEquals("[\"hello@1.0.0\"]", done.get("plugins").toString());
        assertTrue(done.get("worker").asText().contains("pid " + with.pid()), done.toString());
        assertTrue(Files.readAllLines(out.resolve("hello/files.txt")).contains("/usr/lib/modules"));
        assertFalse(without.log().contains("hello-file-list"), "the worker without it ran nothing");
      }
    }
  }

  private static JsonNode build(Path pluginDir, Path out) throws Exception {
    CliRun build =
        CliRun.of("build", "oci:" + layout + ":latest", "--type", "file-list",
            "--plugins", pluginDir.toString(), "-o", out.toString(),
            "--store", ComposeIT.STORE.toString(), "--json");
    assertEquals(0, build.exitCode(), build.err());
    return JSON.readTree(build.out());
  }

  private static List<String> stages(JsonNode result) {
    List<String> stages = new ArrayList<>();
    result.get("steps").forEach(s -> stages.add(s.get("stage").asText()));
    return stages;
  }
}
