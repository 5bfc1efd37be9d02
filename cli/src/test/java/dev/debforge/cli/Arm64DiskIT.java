package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.store.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shipped recipe composed for amd64 and arm64 in one build, on this amd64 machine (the arm64
 * image's programs run through qemu-user-static): one image index with both platforms, written
 * to an OCI layout and pushed to a loopback registry; then the arm64 image, pulled back from the
 * registry by the index's digest, made into disks and booted to a login under UEFI (AAVMF) in
 * qemu-system-aarch64 with software emulation. The slowest test here, some 15 minutes, most of it
 * mmdebstrap and dracut under emulation; the amd64 half is the other tests' compose, from the
 * store.
 */
class Arm64DiskIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ESP = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
  private static final String BIOS_BOOT = "21686148-6449-6E6F-744E-656564454649";

  @Test
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
          JSON.readTree(push.out()).get("artifacts").get(0).get("digest").asText());
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
}
