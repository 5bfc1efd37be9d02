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
 * The shipped recipes/hooks-example.yaml built for real: its Python hook (after the packages)
 * and its JavaScript hooks (before the commit, after the deploy) run sandboxed as steps of the
 * plan. What they asked for is in the image's layer (files with their modes, users and a group,
 * a package, a service, a kernel argument), and a disk that {@code run} makes of the recipe
 * boots with all of it, and with what the after-deploy hook wrote into its deployment.
 */
class HooksIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path work;
  private static Path layout;
  private static JsonNode result;
  private static JsonNode disk;

  /** A bootc-image-builder config with a plain-text password, as BIB users write them. */
  private static final String CONFIG =
      """
      [[customizations.user]]
      name = "tester"
      password = "tester"
      groups = ["admins"]
      """;

  /** What the boot checks, all in one boot. */
  private static final String[] CHECKS = {
    "cat /etc/motd", "hostname", "getent group admins", "systemctl is-active systemd-networkd",
    "dpkg -s cpuid | grep '^Status'", "stat -c %a /etc/sudoers.d",
    "cat /proc/cmdline", "id -nG"
  };

  @BeforeAll
  static void compose() throws Exception {
    work = Files.createTempDirectory("debforge-hooks-it");
    layout = work.resolve("layout");
    CliRun compose =
        CliRun.of("compose", "../recipes/hooks-example.yaml", "--arch", "amd64",
            "-o", "oci:" + layout + ":latest",
            "--store", ComposeIT.STORE.toString(), "--json");
    assertEquals(0, compose.exitCode(), compose.err());
    result = JSON.readTree(compose.out());

    Path config = Files.writeString(work.resolve("config.toml"), CONFIG);
    CliRun run =
        CliRun.of("run", "../recipes/hooks-example.yaml", "--arch", "amd64",
            "--type", "qcow2", "-o",
            work.resolve("disks").toString(), "--config", config.toString(), "--store",
            ComposeIT.STORE.toString(), "--json");
    assertEquals(0, run.exitCode(), run.err());
    disk = JSON.readTree(run.out());
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

  @Test
  void runPutsTheAfterDeployHookAfterTheDeployAndServesTheComposeFromTheStore() {
    List<String> steps = new ArrayList<>();
    List<String> cached = new ArrayList<>();
    disk.get("steps").forEach(s -> {
      steps.add(s.get("name").asText());
      if (s.path("cacheHit").asBoolean() || s.path("skipped").asBoolean()) {
        cached.add(s.get("name").asText());
      }
    });
    int deploy = steps.indexOf("deploy");
    assertTrue(deploy >= 0, steps.toString());
    assertEquals("hook-machine", steps.get(deploy + 1), steps.toString());
    assertTrue(cached.containsAll(List.of("debootstrap", "hook-admins", "configure", "initramfs",
        "hook-motd", "ostree-commit")), "the compose's steps are the compose's: " + cached);
  }

  @Test
  void theDiskBootsWithWhatEveryHookDid() throws Exception {
    Path qcow2 = work.resolve("disks/qcow2/disk.qcow2");
    List<String> args = new ArrayList<>(List.of("verify", qcow2.toString(), "--firmware", "uefi",
        "--user", "tester", "--password", "tester", "--json"));
    for (String check : CHECKS) {
      args.add("--command");
      args.add(check);
    }
    CliRun verify = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, verify.exitCode(), verify.err() + "\n" + verify.out());
    JsonNode commands = JSON.readTree(verify.out()).get("commands");
    assertTrue(commands.get("cat /etc/motd").asText()
        .startsWith("Welcome to hooks-example (bookworm, amd64), built by debforge."),
        commands.toString());
    assertEquals("hooks-example-amd64", commands.get("hostname").asText(),
        "the after-deploy hook named the machine");
    assertTrue(
        commands.get("getent group admins").asText().matches("admins:x:\\d+:ann,bob,tester"),
        commands.get("getent group admins").asText());
    assertEquals("active", commands.get("systemctl is-active systemd-networkd").asText());
    assertEquals("Status: install ok installed",
        commands.get("dpkg -s cpuid | grep '^Status'").asText());
    assertEquals("750", commands.get("stat -c %a /etc/sudoers.d").asText(),
        "the directory the Python hook made, closed to the user");
    assertTrue((commands.get("cat /proc/cmdline").asText() + " ").contains(" quiet "),
        "the kernel argument the Python hook added: " + commands.get("cat /proc/cmdline"));
    assertEquals("tester admins", commands.get("id -nG").asText(),
        "the config's user, with its plain-text password hashed, in the hook's group");
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
