package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.store.Sha256;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code debforge run} of the shipped minimal recipe into every disk type, then real boots in
 * QEMU (software emulation here) to the login prompt, under BIOS and UEFI, logged in and checked.
 * Shares the store with {@link ComposeIT}, so the compose steps are cache hits after it.
 */
class DiskBootIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] CHECKS = {
    "--command", "cat /proc/cmdline",
    "--command", "ostree admin status",
    "--command", "systemctl is-system-running --wait",
    "--command", "stat -c %h /usr/bin/bash",
    "--command", "lsattr -d / | cut -c1-5",
    "--command", "id -nG"
  };

  private static Path out;
  private static JsonNode result;

  /** A bootc-image-builder config: a user of its own and an extra kernel argument. */
  private static final String CONFIG =
      """
      [[customizations.user]]
      name = "tester"
      password = "$6$debforge$HASH"
      groups = ["sudo"]

      [customizations.kernel]
      append = "quiet"
      """;

  @BeforeAll
  static void run() throws Exception {
    out = Files.createTempDirectory("debforge-disks-it");
    String hash = Tools.run("openssl", "passwd", "-6", "-salt", "debforge", "tester").strip();
    Path config = Files.writeString(out.resolve("config.toml"),
        CONFIG.replace("$6$debforge$HASH", hash));
    CliRun run =
        CliRun.of(
            "run", ComposeIT.RECIPE, "--type", "qcow2,raw,vmdk,vhd,vhdx,vdi,ova,gce", "-o",
            out.toString(), "--config", config.toString(), "--store", ComposeIT.STORE.toString(),
            "--json");
    assertEquals(0, run.exitCode(), run.err());
    result = JSON.readTree(run.out());
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (out != null) {
      Trees.delete(out);
    }
  }

  private static JsonNode verify(Path disk, String firmware, String user) throws Exception {
    String[] head = {"verify", disk.toString(), "--firmware", firmware, "--user", user,
        "--password", user, "--json"};
    String[] args = new String[head.length + CHECKS.length];
    System.arraycopy(head, 0, args, 0, head.length);
    System.arraycopy(CHECKS, 0, args, head.length, CHECKS.length);
    CliRun run = CliRun.of(args);
    assertEquals(0, run.exitCode(), run.err());
    return JSON.readTree(run.out());
  }

  private static void assertBootedTheDeployment(JsonNode report, String groups) {
    assertTrue(report.get("reachedLogin").asBoolean());
    String screen = report.get("loginScreen").asText();
    assertTrue(screen.strip().endsWith("login:"), "what verify saw: " + screen);
    JsonNode commands = report.get("commands");
    String cmdline = commands.get("cat /proc/cmdline").asText();
    assertTrue(cmdline.contains("root=UUID="), cmdline);
    assertTrue(cmdline.contains("console=ttyS0,115200"), "the recipe's karg: " + cmdline);
    assertTrue(cmdline.contains("ostree=/ostree/boot."), cmdline);
    assertTrue(cmdline.contains(" quiet "), "the config's kernel append: " + cmdline);
    assertTrue(commands.get("ostree admin status").asText().matches("(?s)\\* debian [0-9a-f]{64}"
        + "\\.0.*"), commands.get("ostree admin status").asText());
    assertEquals("running", commands.get("systemctl is-system-running --wait").asText());
    assertEquals("2", commands.get("stat -c %h /usr/bin/bash").asText(),
        "files are hard links into the OSTree repository");
    assertEquals("----i", commands.get("lsattr -d / | cut -c1-5").asText(),
        "the deployment root is immutable");
    assertEquals(groups, commands.get("id -nG").asText());
  }

  @Test
  void everyTypeIsPublishedWithItsSha256() throws Exception {
    assertEquals(8, result.get("artifacts").size(), "one per type");
    for (JsonNode artifact : result.get("artifacts")) {
      Path file = Path.of(artifact.get("artifact").asText());
      assertTrue(file.startsWith(out), file.toString());
      assertEquals(Sha256.ofFile(file), artifact.get("sha256").asText(), file.toString());
    }
    assertTrue(Files.isRegularFile(out.resolve("qcow2/disk.qcow2")));
    assertTrue(Files.isRegularFile(out.resolve("image/disk.raw")));
  }

  @Test
  void qcow2BootsToALoginPromptWithBios() throws Exception {
    JsonNode report = verify(out.resolve("qcow2/disk.qcow2"), "bios", "debian");
    assertEquals("bios", report.get("firmware").asText());
    assertBootedTheDeployment(report, "debian");
  }

  @Test
  void rawBootsToALoginPromptWithUefiAndTheConfigsUserLogsIn() throws Exception {
    JsonNode report = verify(out.resolve("image/disk.raw"), "uefi", "tester");
    assertEquals("uefi", report.get("firmware").asText());
    assertBootedTheDeployment(report, "tester sudo");
  }

  @Test
  void rawIsSparse() throws Exception {
    Path raw = out.resolve("image/disk.raw");
    long allocated = Long.parseLong(Tools.run("du", "--block-size=1", raw.toString())
        .split("\\s+")[0]);
    assertTrue(allocated < Files.size(raw) / 4,
        "allocated " + allocated + " of " + Files.size(raw));
  }

  @Test
  void otherFormatsAreValidImagesOfTheSameDisk() throws Exception {
    String[][] formats = {
      {"vmdk/disk.vmdk", "vmdk"}, {"vpc/disk.vhd", "vpc"}, {"vhdx/disk.vhdx", "vhdx"},
      {"vdi/disk.vdi", "vdi"}
    };
    long rawSize = Files.size(out.resolve("image/disk.raw"));
    for (String[] format : formats) {
      // A fixed VHD has only a footer, which qemu-img's probe does not recognise: name formats.
      JsonNode info =
          JSON.readTree(Tools.run("qemu-img", "info", "-f", format[1], "--output=json",
              out.resolve(format[0]).toString()));
      assertEquals(format[1], info.get("format").asText(), format[0]);
      assertEquals(rawSize, info.get("virtual-size").asLong(), format[0]);
      Tools.run("qemu-img", "compare", "-f", "raw", "-F", format[1],
          out.resolve("image/disk.raw").toString(), out.resolve(format[0]).toString());
    }
    String listing = Tools.run("tar", "-tzf", out.resolve("gce/image.tar.gz").toString());
    assertEquals("disk.raw\n", listing);
    Path gce = Files.createDirectories(out.resolve("gce-unpacked"));
    Tools.run("tar", "-xzf", out.resolve("gce/image.tar.gz").toString(), "-C", gce.toString());
    Tools.run("qemu-img", "compare", "-f", "raw", "-F", "raw",
        out.resolve("image/disk.raw").toString(), gce.resolve("disk.raw").toString());
    long gceAllocated = Long.parseLong(Tools.run("du", "--block-size=1",
        gce.resolve("disk.raw").toString()).split("\\s+")[0]);
    assertTrue(gceAllocated < rawSize / 4, "the gce disk.raw unpacks sparse: " + gceAllocated);
    Path ova = out.resolve("ova/image.ova");
    assertEquals("disk.ovf\ndisk.vmdk\ndisk.mf\n", Tools.run("tar", "-tf", ova.toString()));
    Path unpacked = Files.createDirectories(out.resolve("ova-unpacked"));
    Tools.run("tar", "-xf", ova.toString(), "-C", unpacked.toString());
    Tools.run("qemu-img", "compare", "-f", "raw", "-F", "vmdk",
        out.resolve("image/disk.raw").toString(), unpacked.resolve("disk.vmdk").toString());
    String ovf = Files.readString(unpacked.resolve("disk.ovf"));
    assertTrue(ovf.contains("ovf:capacity=\"" + rawSize + "\""), ovf);
    assertTrue(ovf.contains("ovf:size=\"" + Files.size(unpacked.resolve("disk.vmdk")) + "\""));
    // The manifest's sums are those of the files: sha256sum checks them in its own format.
    String manifest = Files.readString(unpacked.resolve("disk.mf"));
    StringBuilder sums = new StringBuilder();
    for (String line : manifest.split("\n")) {
      var m = java.util.regex.Pattern.compile("SHA256\\((.+)\\)= (\\p{XDigit}{64})").matcher(line);
      assertTrue(m.matches(), line);
      sums.append(m.group(2)).append("  ").append(m.group(1)).append('\n');
    }
    Files.writeString(unpacked.resolve("sums"), sums.toString());
    Tools.run("sh", "-c", "cd " + unpacked + " && sha256sum --check --quiet sums");
  }
}
