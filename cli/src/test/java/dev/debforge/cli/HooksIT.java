package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped recipes/hooks-example.yaml composed for real: its Python hook (after the packages)
 * and its JavaScript hook (before the commit) run sandboxed as steps of the plan, and what they
 * asked for is in the image's layer: files with their modes, users and a group, a package, a
 * service, a kernel argument.
 */
class HooksIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path work;
  private static Path layout;
  private static JsonNode result;

  @BeforeAll
  static void compose() throws Exception {
    work = Files.createTempDirectory("debforge-hooks-it");
    layout = work.resolve("layout");
    CliRun compose =
        CliRun.of("compose", "../recipes/hooks-example.yaml", "-o", "oci:" + layout + ":latest",
            "--store", ComposeIT.STORE.toString(), "--json");
    assertEquals(0, compose.exitCode(), compose.err());
    result = JSON.readTree(compose.out());
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (work != null) {
      Trees.delete(work);
    }
  }

  @Test
  void theHooksAreStepsAtTheirPoints() {
    List<String> steps = new ArrayList<>();
    result.get("steps").forEach(s -> steps.add(s.get("name").asText()));
    assertEquals(
        List.of("debootstrap", "hook-admins", "configure", "initramfs", "hook-motd",
            "ostree-commit", "oci-export", "publish"),
        steps);
  }

  @Test
  void whatTheHooksAskedForIsInTheImage() throws Exception {
    String blob = layerBlob();
    assertTrue(read(blob, "etc/motd").startsWith(
        "Welcome to hooks-example (bookworm, amd64), built by debforge.\nKernel: 6.1.0-"),
        "the JavaScript hook wrote /etc/motd");
    assertTrue(list(blob, "etc/motd").startsWith("-rw-r--r-- 0/0"), list(blob, "etc/motd"));
    assertTrue(list(blob, "etc/sudoers.d/admins").startsWith("-r--r----- 0/0"),
        "the Python hook's file has its mode: " + list(blob, "etc/sudoers.d/admins"));
    String passwd = read(blob, "etc/passwd");
    assertTrue(passwd.contains("\nann:") && passwd.contains("\nbob:"), passwd);
    assertTrue(read(blob, "etc/group").matches("(?s).*\nadmins:x:\\d+:ann,bob\n.*"),
        read(blob, "etc/group"));
    assertTrue(read(blob, "var/lib/dpkg/status").contains("\nPackage: cpuid\n"),
        "the package the Python hook asked for is installed");
    assertTrue(
        list(blob, "etc/systemd/system/multi-user.target.wants/systemd-networkd.service")
            .startsWith("l"),
        "the service the JavaScript hook enabled");
    assertTrue(read(blob, "usr/lib/bootc/kargs.d/50-hook-admins.toml").contains("\"quiet\""),
        read(blob, "usr/lib/bootc/kargs.d/50-hook-admins.toml"));
  }

  private static String layerBlob() throws Exception {
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    String manifest = index.get("manifests").get(0).get("digest").asText().substring(7);
    JsonNode layers =
        JSON.readTree(layout.resolve("blobs/sha256/" + manifest).toFile()).get("layers");
    return layout.resolve("blobs/sha256/" + layers.get(0).get("digest").asText().substring(7))
        .toString();
  }

  private static String read(String blob, String path) throws Exception {
    return Tools.run("tar", "-xzOf", blob, "--wildcards", "--no-anchored", path);
  }

  private static String list(String blob, String path) throws Exception {
    return Tools.run("tar", "-tvzf", blob, "--wildcards", "--no-anchored", path).strip();
  }
}
