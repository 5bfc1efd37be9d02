package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.debforge.oci.ImageConfig;
import dev.debforge.oci.OciImageWriter;
import dev.debforge.oci.Registry;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code debforge build} of an image pulled from a registry on loopback (Debian's
 * docker-registry) into a disk with a btrfs root, booted to the login prompt; a disk with an XFS
 * root booted the same way; an image whose layers are uncompressed tars built from an OCI layout
 * and booted; and images that break the bootc contract refused with exit code 2.
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
        CliRun.of("compose", ComposeIT.RECIPE, "--arch", "amd64",
            "-o", "oci-archive:" + archive, "--store",
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
        CliRun.of("run", ComposeIT.RECIPE, "--arch", "amd64",
            "--type", "raw", "--rootfs", "xfs", "-o",
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

  @Test
  void anImageWithUncompressedLayersBuildsAndBoots() throws Exception {
    Path archive = work.resolve("plain-source.oci.tar");
    CliRun compose =
        CliRun.of("compose", ComposeIT.RECIPE, "--arch", "amd64",
            "-o", "oci-archive:" + archive, "--store",
            ComposeIT.STORE.toString());
    assertEquals(0, compose.exitCode(), compose.err());
    Path layout = uncompressedCopy(archive, work.resolve("plain-layout"));
    Path out = work.resolve("plain");
    CliRun build =
        CliRun.of("build", "oci:" + layout + ":latest", "--type", "raw", "-o", out.toString(),
            "--store", ComposeIT.STORE.toString(), "--json");
    assertEquals(0, build.exitCode(), build.err());
    JsonNode extract = JSON.readTree(build.out()).get("steps").get(0);
    assertEquals("extract", extract.get("stage").asText());
    // A generous timeout: under software emulation on a loaded two-core machine the boot alone
    // has taken more than the default 300 s.
    CliRun verify =
        CliRun.of("verify", out.resolve("image/disk.raw").toString(), "--firmware", "bios",
            "--timeout", "900", "--user", "debian", "--password", "debian", "--json",
            "--command", "ostree admin status");
    assertEquals(0, verify.exitCode(), verify.err());
    assertTrue(JSON.readTree(verify.out()).get("commands").get("ostree admin status").asText()
        .startsWith("* debian "));
  }

  /**
   * Rewrites an OCI archive as a layout, tag "latest", whose layers are plain tars (media type
   * {@code application/vnd.oci.image.layer.v1.tar}), as several tools write them: the config and
   * its diff_ids stay, the manifest is new.
   */
  private static Path uncompressedCopy(Path archive, Path layout) throws Exception {
    Path source = Files.createDirectories(work.resolve("plain-source"));
    Tools.run("tar", "--extract", "--file=" + archive, "--directory=" + source);
    JsonNode index = JSON.readTree(source.resolve("index.json").toFile());
    JsonNode manifestRef = index.get("manifests").get(0);
    ObjectNode manifest = (ObjectNode) JSON.readTree(blob(source, manifestRef).toFile());
    Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
    Files.copy(blob(source, manifest.get("config")), blobs.resolve(
        manifest.get("config").get("digest").asText().substring("sha256:".length())));
    for (JsonNode layer : manifest.get("layers")) {
      Path plain = work.resolve("plain-layer.tar");
      try (InputStream in = new GZIPInputStream(Files.newInputStream(blob(source, layer)))) {
        Files.copy(in, plain, StandardCopyOption.REPLACE_EXISTING);
      }
      String hex = Tools.run("sha256sum", plain.toString()).substring(0, 64);
      ObjectNode descriptor = (ObjectNode) layer;
      descriptor.put("mediaType", "application/vnd.oci.image.layer.v1.tar");
      descriptor.put("digest", "sha256:" + hex);
      descriptor.put("size", Files.size(plain));
      Files.move(plain, blobs.resolve(hex), StandardCopyOption.REPLACE_EXISTING);
    }
    byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
    Path manifestFile = work.resolve("plain-manifest.json");
    Files.write(manifestFile, manifestBytes);
    String manifestHex = Tools.run("sha256sum", manifestFile.toString()).substring(0, 64);
    Files.move(manifestFile, blobs.resolve(manifestHex));
    ObjectNode entry = JSON.createObjectNode();
    entry.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    entry.put("digest", "sha256:" + manifestHex);
    entry.put("size", manifestBytes.length);
    entry.putObject("annotations").put("org.opencontainers.image.ref.name", "latest");
    ObjectNode newIndex = JSON.createObjectNode();
    newIndex.put("schemaVersion", 2);
    newIndex.putArray("manifests").add(entry);
    JSON.writeValue(layout.resolve("index.json").toFile(), newIndex);
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    return layout;
  }

  private static Path blob(Path layout, JsonNode descriptor) {
    String[] digest = descriptor.get("digest").asText().split(":");
    return layout.resolve("blobs").resolve(digest[0]).resolve(digest[1]);
  }

  /**
   * An OCI layout, tag "latest", of one layer holding /etc/hostname: no bootable image. Made
   * under {@code small/NAME}, apart from the other tests' outputs: once the tree was a directory
   * another test had written a 10 GiB disk into, and the layer became an 11 GB tar.
   */
  private static Path smallLayout(String name, String architecture, Map<String, String> labels)
      throws Exception {
    Path dir = work.resolve("small").resolve(name);
    Path tree = Files.createDirectories(dir.resolve("tree/etc"));
    Files.writeString(tree.resolve("hostname"), name + "\n");
    Path tar = dir.resolve("layer.tar");
    Tools.run("tar", "--create", "--file=" + tar, "--directory=" + dir.resolve("tree"), ".");
    Path layout = dir.resolve("layout");
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
