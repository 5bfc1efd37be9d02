package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.activity.StageRuntime;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Durable builds with real processes: {@code debforge server} on a port, {@code debforge worker}
 * processes sharing one store, and the queue commands as a client. A worker killed with SIGKILL
 * in the middle of a step loses its build to another worker, which does not run the finished
 * steps again, and the disk boots in the build's own verify step; a cancelled build leaves no
 * process and no file; two workers drain four builds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerProcessesIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);

  private static Path work;
  private static Path store;
  private static Path image;
  private static String temporal;
  private static final List<DebforgeProcess> processes = new ArrayList<>();
  private static DebforgeProcess survivor;

  @BeforeAll
  static void startServer() throws Exception {
    work = Files.createTempDirectory("debforge-workers-it");
    store = work.resolve("store");
    image = work.resolve("minimal.oci.tar");
    CliRun compose =
        CliRun.of("compose", ComposeIT.RECIPE, "--arch", "amd64",
            "-o", "oci-archive:" + image, "--store",
            ComposeIT.STORE.toString());
    assertEquals(0, compose.exitCode(), compose.err());
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    temporal = "localhost:" + port;
    processes.add(
        DebforgeProcess.start(work.resolve("server.log"), "server", "--port",
                Integer.toString(port))
            .awaitLog("Temporal service on port", Duration.ofSeconds(60)));
  }

  @AfterAll
  static void stopAll() throws Exception {
    for (DebforgeProcess process : processes) {
      process.close();
    }
    Trees.delete(work);
  }

  private static DebforgeProcess worker(String name) throws Exception {
    DebforgeProcess worker =
        DebforgeProcess.start(work.resolve("worker-" + name + ".log"), "worker", "--temporal",
                temporal, "--store", store.toString(), "--max-concurrent-builds", "1")
            .awaitLog("debforge worker", Duration.ofSeconds(60));
    processes.add(worker);
    return worker;
  }

  private static String submit(String... args) {
    List<String> argv = new ArrayList<>(List.of("submit", "oci-archive:" + image));
    argv.addAll(List.of(args));
    argv.addAll(List.of("--temporal", temporal));
    CliRun submit = CliRun.of(argv.toArray(String[]::new));
    assertEquals(0, submit.exitCode(), submit.err());
    return submit.out().strip();
  }

  private static JsonNode status(String id) throws IOException {
    CliRun status = CliRun.of("status", id, "--temporal", temporal, "--json");
    assertEquals(0, status.exitCode(), status.err());
    return JSON.readTree(status.out());
  }

  private static JsonNode awaitStatus(String id, Predicate<JsonNode> condition, String what)
      throws Exception {
    long deadline = System.nanoTime() + BUILD_TIMEOUT.toNanos();
    JsonNode status = status(id);
    while (!condition.test(status)) {
      assertEquals("running", status.get("state").asText(),
          "the build ended before " + what + ": " + status.toPrettyString());
      assertTrue(System.nanoTime() < deadline, "no " + what + " in time: " + status);
      Thread.sleep(500);
      status = status(id);
    }
    return status;
  }

  /** The names of the steps in this state, in a {@code status --json} answer. */
  static List<String> stepsIn(JsonNode status, String state) {
    List<String> names = new ArrayList<>();
    if (status.has("steps")) {
      for (JsonNode step : status.get("steps")) {
        if (step.get("state").asText().equals(state)) {
          names.add(step.get("name").asText());
        }
      }
    }
    return names;
  }

  /** The process of each run of the step, in order, from the step's log in the store. */
  static List<Long> runPids(Path store, String id, String step) throws IOException {
    Path log = store.resolve("logs").resolve(id).resolve(step + ".log");
    if (!Files.exists(log)) {
      return List.of();
    }
    String started = "# " + StageRuntime.STARTED + " on ";
    try (Stream<String> lines = Files.lines(log)) {
      return lines.filter(line -> line.startsWith(started))
          .map(line -> Long.parseLong(line.substring(line.lastIndexOf("(pid ") + 5,
              line.lastIndexOf(')'))))
          .toList();
    }
  }

  /** How many retries of the step the build's notes tell of. */
  static long retriesNoted(JsonNode status, String step) {
    long retries = 0;
    for (JsonNode note : status.path("notes")) {
      if (note.asText().startsWith(step + " failed on worker ")) {
        retries++;
      }
    }
    return retries;
  }


  @Test
  @Order(1)
  void aBuildWhoseWorkerIsKilledFinishesOnAnotherWithoutRedoingStepsAndBoots() throws Exception {
    DebforgeProcess first = worker("first");
    Path out = work.resolve("out-durable");
    String id = submit("--type", "qcow2", "--verify=bios", "-o", out.toString());
    JsonNode before =
        awaitStatus(id, s -> stepsIn(s, "done").size() >= 2 && !stepsIn(s, "running").isEmpty(),
            "a running step after two finished ones");
    List<String> finished = stepsIn(before, "done");
    String killedIn = stepsIn(before, "running").get(0);
    // The workflow says "running" when it schedules the step; kill once the worker has begun.
    long started = System.nanoTime();
    while (runPids(store, id, killedIn).isEmpty()) {
      assertTrue(System.nanoTime() - started < Duration.ofMinutes(2).toNanos(),
          killedIn + " never started on the first worker");
      Thread.sleep(100);
    }
    first.kill();

    survivor = worker("second");
    CliRun wait = CliRun.of("wait", id, "--temporal", temporal, "--json");
    assertEquals(0, wait.exitCode(), wait.err());
    JsonNode result = JSON.readTree(wait.out());
    assertEquals("succeeded", result.get("status").asText());

    JsonNode after = status(id);
    // A step may have been tried again on the first worker (a slow heartbeat on a loaded
    // machine): the notes say so. The surviving worker runs none of the finished steps again.
    for (String step : finished) {
      List<Long> runs = runPids(store, id, step);
      assertEquals(1 + retriesNoted(after, step), runs.size(),
          step + " finished before the kill and ran once, or as often as noted: " + after);
      assertFalse(runs.contains(survivor.pid()), step + " ran again on the survivor: " + runs);
    }
    List<Long> killedRuns = runPids(store, id, killedIn);
    assertTrue(killedRuns.size() >= 2, killedIn + " was cut off and ran again: " + killedRuns);
    assertEquals(survivor.pid(), killedRuns.get(killedRuns.size() - 1),
        killedIn + " ran last on the survivor");
    List<String> notes = new ArrayList<>();
    after.get("notes").forEach(note -> notes.add(note.asText()));
    assertTrue(notes.stream().anyMatch(note -> note.contains("was lost")), after.toString());
    assertTrue(after.get("worker").asText().endsWith("pid " + survivor.pid()), after.toString());

    // The verify step booted the disk on the surviving worker, before it was converted.
    JsonNode verify = null;
    for (JsonNode step : result.get("steps")) {
      if (step.get("name").asText().equals("verify-bios")) {
        verify = step;
      }
    }
    assertTrue(verify != null && verify.get("facts").get("login").asText().equals("yes"),
        result.toPrettyString());
    assertTrue(Files.isRegularFile(out.resolve("qcow2/disk.qcow2")));
  }

  @Test
  @Order(2)
  void aCancelledBuildLeavesNoProcessAndNoFile() throws Exception {
    Path out = work.resolve("out-cancelled");
    // The stream-optimized vmdk takes qemu-img half a minute here, so the cancel surely comes
    // while qemu-img is writing it. (Publishing a disk costs what it holds, a second or two,
    // too short to be cancelled in the middle of it reliably.)
    String id = submit("--type", "vmdk", "-o", out.toString());
    awaitStatus(
        id,
        s -> stepsIn(s, "running").stream().anyMatch(step -> step.startsWith("convert-vmdk")),
        "the vmdk being converted");
    Thread.sleep(1500);
    CliRun cancel = CliRun.of("cancel", id, "--temporal", temporal, "--json");
    assertEquals(0, cancel.exitCode(), cancel.err());
    assertEquals("cancelled", JSON.readTree(cancel.out()).get("state").asText());

    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (survivor.handle().descendants().findAny().isPresent()
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(List.of(), survivor.handle().descendants()
        .map(p -> p.info().commandLine().orElse("?")).toList(), "tools left running");
    List<Path> left = new ArrayList<>();
    if (Files.exists(out)) {
      try (Stream<Path> files = Files.walk(out)) {
        files.filter(p -> !p.equals(out)).forEach(left::add);
      }
    }
    assertEquals(List.of(), left, "files left in the output directory");
    JsonNode status = status(id);
    assertEquals("cancelled", status.get("state").asText());
    assertTrue(stepsIn(status, "cancelled").get(0).startsWith("convert-vmdk"), status.toString());
  }

  @Test
  @Order(3)
  void twoWorkersDrainFourBuilds() throws Exception {
    worker("third");
    List<String> ids = new ArrayList<>();
    for (String type : List.of("vmdk", "vhdx", "vhd", "qcow2")) {
      ids.add(submit("--type", type, "-o", work.resolve("out-" + type).toString()));
    }
    Set<String> workers = new HashSet<>();
    for (String id : ids) {
      CliRun wait = CliRun.of("wait", id, "--temporal", temporal, "--json", "--progress", "quiet");
      assertEquals(0, wait.exitCode(), wait.err());
      JsonNode artifact = JSON.readTree(wait.out()).get("artifacts").get(0);
      assertTrue(
          Files.isRegularFile(Path.of(artifact.get("artifact").asText())), artifact.toString());
      workers.add(status(id).get("worker").asText());
    }
    assertEquals(2, workers.size(), "both workers took builds: " + workers);
    CliRun list = CliRun.of("list", "--temporal", temporal, "--json", "--state", "succeeded");
    assertEquals(0, list.exitCode(), list.err());
    Set<String> listed = new HashSet<>();
    JSON.readTree(list.out()).get("builds").forEach(b -> listed.add(b.get("buildId").asText()));
    assertTrue(listed.containsAll(ids), listed.toString());
  }
}
