package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.oci.ImageConfig;
import dev.debforge.oci.OciImageWriter;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code debforge build} of an image pulled from a registry on loopback (Debian's
 * docker-registry) into a disk with a btrfs root, booted to the login prompt; a disk with an XFS
 * root booted the same way; and images that break the bootc contract refused with exit code 2.
 */
class BuildIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path work;

  @BeforeAll
  static void workDir() throws IOException {
    work = Files.createTempDirectory("debforge-build-it");
  }

  @AfterAll
  static void cleanUp() throws IOException {
    Trees.delete(work);
  }

  @Test
  void imageFromARegistryBecomesABootableDiskWithABtrfsRoot() throws Exception {
    Path archive = work.resolve("minimal.oci.tar");
    CliRun compose =
        CliRun.of("compose", ComposeIT.RECIPE, "-o", "oci-archive:" + archive, "--store",
            ComposeIT.STORE.toString());
    assertEquals(0, compose.exitCode(), compose.err());
    Path out = work.resolve("out");
    try (Registry registry = Registry.start(work.resolve("registry"))) {
      String ref = registry.reference("debforge/minimal:latest");
      Tools.run("skopeo", "copy", "--quiet", "--dest-tls-verify=false", "oci-archive:" + archive,
          ref);
      CliRun build =
          CliRun.of("build", ref, "--no-tls-verify", "--type", "qcow2", "--rootfs", "btrfs",
              "-o", out.toString(), "--store", ComposeIT.STORE.toString(), "--json");
      assertEquals(0, build.exitCode(), build.err());
      JsonNode result = JSON.readTree(build.out());
      assertEquals("extract", result.get("steps").get(0).get("stage").asText());
    }
    CliRun verify =
        CliRun.of("verify", out.resolve("qcow2/disk.qcow2").toString(), "--firmware", "bios",
            "--user", "debian", "--password", "debian", "--json",
            "--command", "findmnt -no FSTYPE /sysroot",
            "--command", "ostree admin status");
    assertEquals(0, verify.exitCode(), verify.err());
    JsonNode report = JSON.readTree(verify.out());
    assertEquals("btrfs", report.get("commands").get("findmnt -no FSTYPE /sysroot").asText());
    assertTrue(report.get("commands").get("ostree admin status").asText().startsWith("* debian "));
  }

  @Test
  void anXfsRootIsFilledWithoutMountsKeepsItsHardLinksAndBoots() throws Exception {
    Path out = work.resolve("xfs");
    CliRun run =
        CliRun.of("run", ComposeIT.RECIPE, "--type", "raw", "--rootfs", "xfs", "-o",
            out.toString(), "--store", ComposeIT.STORE.toString(), "--json");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode steps = JSON.readTree(run.out()).get("steps");
    List<String> names = new ArrayList<>();
    steps.forEach(step -> names.add(step.get("name").asText()));
    assertTrue(names.indexOf("tools") >= 0 && names.indexOf("tools") < names.indexOf("partition"),
        names.toString());

    // An ostree deployment is hard links into the repository: the file in /usr and its object.
    String links = "stat -c %h /usr/bin/bash";
    CliRun verify =
        CliRun.of("verify", out.resolve("image/disk.raw").toString(), "--firmware", "bios",
            "--user", "debian", "--password", "debian", "--json",
            "--command", "findmnt -no FSTYPE /sysroot",
            "--command", links,
            "--command", "lsattr -d / | cut -c1-5",
            "--command", "ostree admin status");
    assertEquals(0, verify.exitCode(), verify.err());
    JsonNode report = JSON.readTree(verify.out());
    assertEquals("xfs", report.get("commands").get("findmnt -no FSTYPE /sysroot").asText());
    assertEquals("2", report.get("commands").get(links).asText());
    assertEquals("----i", report.get("commands").get("lsattr -d / | cut -c1-5").asText(),
        "the deployment root is immutable, as ostree leaves it");
    assertTrue(report.get("commands").get("ostree admin status").asText().startsWith("* debian "));
  }

  /** An OCI layout, tag "latest", of one layer holding /etc/hostname: no bootable image. */
  private static Path smallLayout(String name, String architecture, Map<String, String> labels)
      throws Exception {
    Path tree = Files.createDirectories(work.resolve(name + "/etc"));
    Files.writeString(tree.resolve("hostname"), name + "\n");
    Path tar = work.resolve(name + ".tar");
    Tools.run("tar", "--create", "--file=" + tar, "--directory=" + work.resolve(name), ".");
    Path layout = work.resolve(name + "-layout");
    new OciImageWriter()
        .write(layout, List.of(tar),
            new ImageConfig(architecture, Instant.EPOCH, labels, List.of(), List.of(), List.of(),
                "latest"));
    return layout;
  }

  @Test
  void imageWithoutTheBootcLabelIsRefusedWithExitCodeTwo() throws Exception {
    Path layout = smallLayout("plain", "amd64", Map.of());
    CliRun build =
        CliRun.of("build", "oci:" + layout + ":latest", "-o", work.resolve("never").toString(),
            "--store", ComposeIT.STORE.toString());
    assertEquals(2, build.exitCode(), build.err());
    assertTrue(build.err().contains("containers.bootc"), build.err());
    assertTrue(build.err().contains("Hint:"), build.err());
    assertTrue(Files.notExists(work.resolve("never/qcow2/disk.qcow2")));
  }

  @Test
  void anArm64ImageFromADockerArchiveOrContainersStorageIsRefusedNamingBoth() throws Exception {
    Path layout = smallLayout("foreign", "arm64", Map.of("containers.bootc", "1"));
    // containers-storage with the vfs driver needs no mount; the store lives in the test's dir.
    String storage = "containers-storage:[vfs@" + work.resolve("graph") + "+"
        + work.resolve("run") + "]localhost/foreign:latest";
    Path archive = work.resolve("foreign.docker.tar");
    for (String image : List.of("docker-archive:" + archive, storage)) {
      String destination = image.startsWith("docker-archive:")
          ? image + ":debforge/foreign:latest"
          : image;
      Tools.run("skopeo", "copy", "oci:" + layout + ":latest", destination);
      CliRun build =
          CliRun.of("build", image, "--arch", "amd64", "-o",
              work.resolve("never-foreign").toString(), "--store", ComposeIT.STORE.toString());
      assertEquals(2, build.exitCode(), image + ": " + build.err());
      assertTrue(build.err().contains("is for architecture 'arm64', but this build is for amd64"),
          build.err());
      assertTrue(build.err().contains("Hint: use the image built for amd64"), build.err());
      assertTrue(Files.notExists(work.resolve("never-foreign/qcow2")));
    }
  }

  @Test
  void unknownDiskTypeIsAUsageError() {
    CliRun build = CliRun.of("build", "oci:/nonexistent", "--type", "qcow3");
    assertEquals(2, build.exitCode());
    assertTrue(build.err().contains("unknown disk type 'qcow3'"), build.err());
  }
}
