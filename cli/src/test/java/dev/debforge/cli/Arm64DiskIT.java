package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.oci.Registry;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The shipped recipe composed for amd64 and arm64 in one build, on this amd64 machine (the arm64
 * image's programs run through qemu-user-static): one image index with both platforms, written
 * to an OCI layout and pushed to a loopback registry; then the arm64 image, pulled back from the
 * registry by the index's digest, made into disks and booted to a login under UEFI (AAVMF) in
 * qemu-system-aarch64 with software emulation. The slowest test here, some 15 minutes, most of it
 * mmdebstrap and dracut under emulation. {@code scripts/test} runs it beside the other tests with
 * a store of its own ({@code debforge.it.store}): the second compose must find the first's images,
 * which the shared store, kept to its size limit by the tests beside, may have given away.
 *
 * <p>Then, on a build service with one amd64 and one arm64 worker, a multi-architecture build of
 * disks runs each architecture on its own worker, and the amd64 worker, killed in the middle of
 * a step, loses only that step: its child moves to a new amd64 worker while the build waits.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Arm64DiskIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ESP = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
  private static final String BIOS_BOOT = "21686148-6449-6E6F-744E-656564454649";

  @Test
  @Order(1)
  void aMultiArchitectureImageGivesAnArm64DiskThatHasNoBiosBootPartitionAndBootsWithUefi()
      throws Exception {
    Path work = Files.createTempDirectory("debforge-arm64-it");
    try (Registry registry = Registry.start(work.resolve("registry"))) {
      Path layout = work.resolve("index");
      CliRun compose =
          CliRun.of("compose", ComposeIT.RECIPE, "--arch", "amd64,arm64", "-o",
              "oci:" + layout + ":1.0", "--store", ComposeIT.STORE.toString(), "--json");
      assertEquals(0, compose.exitCode(), compose.err());
      assertTrue(compose.err().contains("arm64: [1/"), "each architecture's steps are shown: "
          + compose.err());
      JsonNode composed = JSON.readTree(compose.out());
      assertEquals("amd64,arm64", composed.get("architecture").asText());
      JsonNode artifact = composed.get("artifacts").get(0);
      String digest = artifact.get("digest").asText();
      assertEquals("linux/amd64, linux/arm64/v8", artifact.get("platforms").asText());
      try (var left = Files.list(work)) {
        assertEquals(List.of("index", "registry"),
            left.map(p -> p.getFileName().toString()).sorted().toList(),
            "the architectures' images beside the layout are gone once the index is written");
      }

      JsonNode index =
          JSON.readTree(Tools.run("skopeo", "inspect", "--raw", "oci:" + layout + ":1.0"));
      assertEquals("application/vnd.oci.image.index.v1+json", index.get("mediaType").asText());
      List<String> platforms = new ArrayList<>();
      index.get("manifests").forEach(m -> platforms.add(
          m.get("platform").get("os").asText() + "/" + m.get("platform").get("architecture")
              .asText()));
      assertEquals(List.of("linux/amd64", "linux/arm64"), platforms);

      // The same build pushed to a registry: every step cached, the same index digest.
      String ref = registry.reference("debforge/minimal-bookworm:1.0");
      CliRun push =
          CliRun.of("compose", ComposeIT.RECIPE, "--arch", "amd64,arm64", "-o", ref,
              "--no-tls-verify", "--store", ComposeIT.STORE.toString(), "--json");
      assertEquals(0, push.exitCode(), push.err());
      assertEquals(digest,
          JSON.readTree(push.out()).get("artifacts").get(0).get("digest").asText(),
          "every step was cached, so the index is the same: " + push.err());
      JsonNode pushed =
          JSON.readTree(Tools.run("skopeo", "inspect", "--raw", "--tls-verify=false", ref));
      assertEquals(2, pushed.get("manifests").size());

      // Pulled back by digest, the index gives build the arm64 image.
      Path out = work.resolve("disks");
      String byDigest = registry.reference("debforge/minimal-bookworm@" + digest);
      CliRun build =
          CliRun.of("build", byDigest, "--arch", "arm64", "--no-tls-verify", "--type",
              "qcow2,raw", "-o", out.toString(), "--store", ComposeIT.STORE.toString(), "--json");
      assertEquals(0, build.exitCode(), build.err());
      assertEquals("arm64", JSON.readTree(build.out()).get("architecture").asText());

      JsonNode table =
          JSON.readTree(Tools.run("sfdisk", "--json", out.resolve("image/disk.raw").toString()));
      List<String> types = new ArrayList<>();
      table.get("partitiontable").get("partitions").forEach(p -> types.add(p.get("type")
          .asText()));
      assertTrue(types.contains(ESP), types.toString());
      assertFalse(types.contains(BIOS_BOOT), "arm64 boots with UEFI only: " + types);

      String cmdline = "cat /proc/cmdline";
      CliRun verify =
          CliRun.of("verify", out.resolve("qcow2/disk.qcow2").toString(), "--arch", "arm64",
              "--firmware", "uefi", "--timeout", "900", "--user", "debian", "--password",
              "debian", "--json", "--command", "uname -m", "--command", cmdline,
              "--command", "ostree admin status");
      assertEquals(0, verify.exitCode(), verify.err());
      JsonNode report = JSON.readTree(verify.out());
      // An arm64 guest runs under KVM only on an arm64 host whose KVM works; here it is emulated.
      assertEquals(
          dev.debforge.verify.Accelerator.detectFor("arm64").qemuName(),
          report.get("accelerator").asText());
      JsonNode commands = report.get("commands");
      assertEquals("aarch64", commands.get("uname -m").asText());
      assertTrue(commands.get(cmdline).asText().contains("console=ttyAMA0,115200"),
          commands.get(cmdline).asText());
      assertTrue(commands.get(cmdline).asText().contains("root=UUID="));
      assertTrue(commands.get("ostree admin status").asText().startsWith("* debian "));
    } finally {
      Trees.delete(work);
    }
  }

  @Test
  @Order(2)
  void eachArchitectureRunsOnItsOwnWorkerAndALostWorkerCostsOnlyItsStep() throws Exception {
    Path work = Files.createTempDirectory("debforge-multiarch-workers-it");
    List<DebforgeProcess> processes = new ArrayList<>();
    try {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      String temporal = "localhost:" + port;
      processes.add(DebforgeProcess.start(work.resolve("server.log"), "server", "--port",
              Integer.toString(port))
          .awaitLog("Temporal service on port", Duration.ofSeconds(60)));
      DebforgeProcess amd64 = worker(work, temporal, "amd64", "amd64-first");
      processes.add(amd64);
      DebforgeProcess arm64 = worker(work, temporal, "arm64", "arm64");
      processes.add(arm64);

      // Disks of 100 GiB: writing the raw disk hashes its holes too, about a minute, so the
      // kill surely lands in that step. The composes come from the store (the test before).
      Path out = work.resolve("disks");
      CliRun submit =
          CliRun.of("submit", ComposeIT.RECIPE, "--arch", "amd64,arm64", "--type", "raw",
              "--disk-size", "100G", "-o", out.toString(), "--temporal", temporal);
      assertEquals(0, submit.exitCode(), submit.err());
      String id = submit.out().strip();
      String amd64Id = id + "-amd64";

      JsonNode before = awaitRunning(temporal, amd64Id, "publish-disk");
      String killedIn = WorkerProcessesIT.stepsIn(before, "running").get(0);
      List<String> finished = new ArrayList<>(WorkerProcessesIT.stepsIn(before, "done"));
      // The workflow says "running" when it schedules the step; kill once the worker has begun.
      long started = System.nanoTime();
      while (WorkerProcessesIT.runPids(ComposeIT.STORE, amd64Id, killedIn).isEmpty()) {
        assertTrue(System.nanoTime() - started < Duration.ofMinutes(2).toNanos(),
            killedIn + " never started on the amd64 worker");
        Thread.sleep(200);
      }
      amd64.kill();
      DebforgeProcess replacement = worker(work, temporal, "amd64", "amd64-second");
      processes.add(replacement);

      CliRun wait = CliRun.of("wait", id, "--temporal", temporal, "--json");
      assertEquals(0, wait.exitCode(), wait.err());
      JsonNode result = JSON.readTree(wait.out());
      assertEquals("succeeded", result.get("status").asText());
      assertEquals("amd64,arm64", result.get("architecture").asText());
      assertTrue(Files.isRegularFile(out.resolve("amd64/image/disk.raw")));
      assertTrue(Files.isRegularFile(out.resolve("arm64/image/disk.raw")));

      CliRun list = CliRun.of("list", "--temporal", temporal, "--json");
      assertEquals(0, list.exitCode(), list.err());
      List<String> listed = new ArrayList<>();
      for (JsonNode build : JSON.readTree(list.out()).get("builds")) {
        listed.add(build.get("buildId").asText() + " " + build.get("architecture").asText() + " "
            + build.path("parent").asText("-"));
      }
      assertTrue(listed.contains(id + " amd64,arm64 -"), listed.toString());
      assertTrue(listed.contains(amd64Id + " amd64 " + id), listed.toString());
      assertTrue(listed.contains(id + "-arm64 arm64 " + id), listed.toString());

      JsonNode parent = status(temporal, id);
      assertEquals(List.of(amd64Id, id + "-arm64"),
          JSON.convertValue(parent.get("children"), List.class));
      for (JsonNode child : parent.get("architectures")) {
        assertEquals("succeeded", child.get("state").asText(), child.toString());
        assertTrue(child.get("step").asText().startsWith("publish-disk"), child.toString());
      }
      JsonNode amd64Status = status(temporal, amd64Id);
      assertTrue(amd64Status.get("worker").asText().endsWith("pid " + replacement.pid()),
          amd64Status.toString());
      // Other notes may come first: the store's size limit, kept to by the arm64 child beside
      // this one, may take an input between planning and reading, and the build is planned again.
      List<String> notes = new ArrayList<>();
      amd64Status.get("notes").forEach(note -> notes.add(note.asText()));
      assertTrue(notes.stream().anyMatch(note -> note.contains("was lost")),
          amd64Status.toString());
      JsonNode arm64Status = status(temporal, id + "-arm64");
      assertTrue(arm64Status.get("worker").asText().endsWith("pid " + arm64.pid()),
          "the arm64 child stayed on the arm64 worker: " + arm64Status);
      // Steps that finished before the kill ran on the first worker. Whether the replacement
      // runs one again is the store's business here, not the lost worker's: the arm64 child
      // keeps the store to its size limit too and may take a cheap output meanwhile
      // (WorkerProcessesIT, whose store holds one build, checks that none is run again).
      for (String step : finished) {
        List<Long> runs = WorkerProcessesIT.runPids(ComposeIT.STORE, amd64Id, step);
        assertTrue(!runs.isEmpty() && runs.get(0) == amd64.pid(),
            step + " ran first on the killed worker: " + runs);
      }
      List<Long> killedRuns = WorkerProcessesIT.runPids(ComposeIT.STORE, amd64Id, killedIn);
      assertTrue(killedRuns.size() >= 2, killedIn + " was cut off and ran again: " + killedRuns);
      assertEquals(replacement.pid(), killedRuns.get(killedRuns.size() - 1),
          killedIn + " ran last on the replacement");
    } finally {
      for (DebforgeProcess process : processes) {
        process.close();
      }
      Trees.delete(work);
    }
  }

  private static DebforgeProcess worker(Path work, String temporal, String arch, String name)
      throws Exception {
    return DebforgeProcess.start(work.resolve("worker-" + name + ".log"), "worker",
            "--temporal", temporal, "--arch", arch, "--store", ComposeIT.STORE.toString(),
            "--max-concurrent-builds", "1")
        .awaitLog("debforge worker", Duration.ofSeconds(60));
  }

  private static JsonNode status(String temporal, String id) throws IOException {
    CliRun status = CliRun.of("status", id, "--temporal", temporal, "--json");
    assertEquals(0, status.exitCode(), status.err());
    return JSON.readTree(status.out());
  }

  /** Waits until the build runs a step whose name starts with {@code step}. */
  private static JsonNode awaitRunning(String temporal, String id, String step)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (true) {
      JsonNode status;
      try {
        status = status(temporal, id);
      } catch (AssertionError notYetStarted) {
        status = null;
      }
      if (status != null) {
        assertEquals("running", status.get("state").asText(),
            "the build ended before its " + step + " step: " + status.toPrettyString());
        if (WorkerProcessesIT.stepsIn(status, "running").stream().anyMatch(s -> s.startsWith(step))) {
          return status;
        }
      }
      assertTrue(System.nanoTime() < deadline, "no " + step + " step in time: " + status);
      Thread.sleep(500);
    }
  }
}
