package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.store.Sha256;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
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

  private static final String V2_LABEL = "debforge-v2";

  private static Path out;
  private static JsonNode result;
  private static JsonNode v2;
  private static String v3Commit;

  private static final String MOUNT_UPDATES =
      "mkdir -p /run/v2 && mount -o ro -L " + V2_LABEL + " /run/v2";

  /**
   * On the booted disk, image v1 (the recipe), the whole life of updates in one run of the
   * guest (five boots, under BIOS: see {@link #rawBootsWithUefiAndTheConfigsUserLogsIn}). A
   * newer image, v2 (the same recipe with a package, a file and a kernel argument more), is
   * handed over without network as an OCI archive on a second disk, the way a registry hands it
   * (skopeo reads both). {@code debforge-update switch} copies it, commits it on the machine and
   * stages it; the reboot finalizes it at shutdown,
   * where ostree regenerates the menu with debforge's generator; v2 runs with the files written
   * to /etc and /var before, and the kernel argument its kargs.d adds; its trial ends. {@code
   * debforge-update rollback} puts v1 first again, and the next boot runs v1. Then v3, v2 with a
   * health check that fails, published in an OSTree repository on the same disk, is staged with
   * one boot on trial: it boots, does not reach boot-complete.target, and the boot
   * after it runs v1 again, which debforge-update then makes the default, saying so.
   *
   * <p>Commands of one boot share a shell. Each text is its own key, so a command that would
   * repeat another's starts with a label ({@code : again;}, a no-op), not with a comment, which
   * would swallow what the verifier appends to the line. Commands that may fail end in {@code ;
   * true}: their output is the check.
   */
  private static final String[] UPDATE = {
    "--command", "echo kept > /etc/debforge-kept && echo kept > /var/debforge-kept",
    "--command", MOUNT_UPDATES,
    "--command", "debforge-update switch oci-archive:/run/v2/v2.oci.tar 2>/dev/null",
    "--command", ": v1 booted, v2 staged; debforge-update status"
        + " | grep -E '^[* ] debian |^    (image|digest):'",
    "--command", "systemctl reboot",
    "--command", ": v2 booted; systemctl is-system-running --wait; debforge-update status"
        + " | grep -E '^[* ] debian |^on trial'; true",
    "--command", "cat /usr/share/debforge-v2 && hello && grep -o 'debforge[.]v2=1' /proc/cmdline",
    "--command", "cat /etc/debforge-kept /var/debforge-kept",
    "--command", "grep -c '^menuentry' /boot/grub/grub.cfg",
    "--command", "debforge-update rollback",
    "--command", "reboot",
    "--command", ": v1 booted again; debforge-update status | grep '^[* ] debian '",
    "--command", "test -e /usr/share/debforge-v2 || grep -q 'debforge[.]v2' /proc/cmdline"
        + " || echo v1",
    "--command", ": again; " + MOUNT_UPDATES,
    "--command", "debforge-update switch --boot-tries 1 /run/v2/repo3 2>/dev/null",
    "--command", "reboot # into v3",
    "--command", "systemctl is-system-running --wait; cat /usr/share/debforge-v3;"
        + " systemctl is-active debforge-boot-complete.service;"
        + " debforge-update status | grep '^on trial'; true",
    "--command", "reboot # into the fallback",
    "--command", "systemctl is-system-running --wait; debforge-update status | grep -E"
        + " '^[* ] debian |^automatic|^on trial'; test -e /usr/share/debforge-v2 || echo v1;"
        + " true",
    "--command", ": after the fallback; grep -c '^menuentry' /boot/grub/grub.cfg",
    // A deployment change made by hand in the login session also reaches the menu.
    "--command", "ostree admin undeploy 1 > /dev/null && grep -c '^menuentry' /boot/grub/grub.cfg"
        + " && grep -c 'Generated by debforge' /boot/grub/grub.cfg"
  };

  /**
   * A bootc-image-builder config: a user of its own, a password for root (who runs the update)
   * and an extra kernel argument.
   */
  private static final String CONFIG =
      """
      [[customizations.user]]
      name = "tester"
      password = "$6$debforge$HASH"
      groups = ["sudo"]

      [[customizations.user]]
      name = "root"
      password = "$6$debforge$HASH"

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
            "run", ComposeIT.RECIPE, "--arch", "amd64",
            "--type", "qcow2,raw,vmdk,vhd,vhdx,vdi,ova,gce", "-o",
            out.toString(), "--config", config.toString(), "--store", ComposeIT.STORE.toString(),
            "--json");
    assertEquals(0, run.exitCode(), run.err());
    result = JSON.readTree(run.out());
    composeUpdates();
  }

  /**
   * The newer images on a small ext4 disk image (made from a directory, no mount) for the
   * guest to read: v2, the shipped recipe with the package {@code hello}, a file and a kernel
   * argument more, composed into an OCI archive ({@code v2.oci.tar}) and, with {@code
   * --ostree-repo}, an OSTree repository ({@code repo}); and v3,
   * v2 with a health check that fails (a unit RequiredBy boot-complete.target that exits 1),
   * committed onto v2 with ostree itself in a copy of that repository ({@code repo3}): v3 tests
   * the updater and the boot menu, and a compose more would cost minutes.
   */
  private static void composeUpdates() throws Exception {
    String recipe = Files.readString(Path.of(ComposeIT.RECIPE));
    assertTrue(recipe.contains("\nfiles:\n"), "the shipped recipe has files: " + recipe);
    String v2Recipe = recipe.replace("\nfiles:\n", "\nfiles:\n  - path: /usr/share/debforge-v2\n"
        + "    content: |\n      v2\n")
        + "packages:\n  install: [hello]\nimage:\n  tag: \"2\"\n";
    String lastKarg = "    - console=ttyS0,115200\n";
    assertTrue(v2Recipe.contains(lastKarg), "the shipped recipe's kernel arguments: " + recipe);
    v2Recipe = v2Recipe.replace(lastKarg, lastKarg + "    - debforge.v2=1\n");
    Path medium = Files.createDirectories(out.resolve("updates-medium"));
    v2 = composeInto(v2Recipe, medium.resolve("v2.oci.tar"), medium.resolve("repo"));
    v3Commit = commitBrokenV3(medium.resolve("repo"), medium.resolve("repo3"));
    Tools.run("mkfs.ext4", "-q", "-L", V2_LABEL, "-d", medium.toString(),
        out.resolve("updates.ext4").toString(), "4G");
  }

  /** v3: v2 and a failing health check, enabled, committed on v2's ref in a copy of repo. */
  private static String commitBrokenV3(Path repo, Path repo3) throws Exception {
    String ref = publishedFact(v2, "ref");
    Tools.run("cp", "-a", repo.toString(), repo3.toString());
    Path overlay = out.resolve("v3-overlay");
    Files.writeString(Files.createDirectories(overlay.resolve("usr/share"))
        .resolve("debforge-v3"), "v3\n");
    Path units = Files.createDirectories(overlay.resolve("usr/lib/systemd/system"));
    Files.writeString(units.resolve("debforge-broken-health.service"),
        """
        [Unit]
        Description=A health check that fails
        Before=boot-complete.target
        [Service]
        Type=oneshot
        ExecStart=/bin/false
        [Install]
        RequiredBy=boot-complete.target
        """);
    Files.createSymbolicLink(
        Files.createDirectories(units.resolve("boot-complete.target.requires"))
            .resolve("debforge-broken-health.service"),
        Path.of("../debforge-broken-health.service"));
    String commit = Tools.run("ostree", "commit", "--repo=" + repo3, "--branch=" + ref,
        "--tree=ref=" + ref, "--tree=dir=" + overlay, "--owner-uid=0", "--owner-gid=0",
        "--add-metadata-string=version=3", "--subject=v3: a health check that fails").strip();
    assertTrue(commit.matches("[0-9a-f]{64}"), commit);
    Tools.run("ostree", "summary", "--repo=" + repo3, "--update");
    return commit;
  }

  private static JsonNode composeInto(String recipe, Path archive, Path repo) throws Exception {
    Path file = Files.writeString(out.resolve("minimal-bookworm-v2.yaml"), recipe);
    CliRun compose =
        CliRun.of(
            "compose", file.toString(), "--arch", "amd64",
            "-o", "oci-archive:" + archive,
            "--ostree-repo", repo.toString(), "--store", ComposeIT.STORE.toString(), "--json");
    assertEquals(0, compose.exitCode(), compose.err());
    return JSON.readTree(compose.out());
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (out != null) {
      Trees.delete(out);
    }
  }

  private static JsonNode verify(Path disk, String firmware, String user, String... more)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("verify", disk.toString(), "--firmware",
        firmware, "--user", user, "--password", "tester", "--json"));
    if (more.length > 0) {
      // Copying and committing an image under software emulation takes minutes.
      args.addAll(List.of("--drive", out.resolve("updates.ext4").toString(), "--timeout", "900"));
    }
    args.addAll(List.of(CHECKS));
    args.addAll(List.of(more));
    CliRun run = CliRun.of(args.toArray(String[]::new));
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

  /**
   * Each file is named by its SHA-256, or a raw or vhd disk (a file the disk's full size) by a
   * block map beside it, which bmaptool takes: it checks the map and every range it copies, and
   * its copy reads as the disk.
   */
  @Test
  void everyTypeIsPublishedWithItsSha256OrItsBlockMap() throws Exception {
    assertEquals(8, result.get("artifacts").size(), "one per type");
    Set<String> mapped = new TreeSet<>();
    for (JsonNode artifact : result.get("artifacts")) {
      Path file = Path.of(artifact.get("artifact").asText());
      assertTrue(file.startsWith(out), file.toString());
      assertEquals(Files.size(file), artifact.get("size").asLong(), file.toString());
      if (!artifact.has("bmap")) {
        assertEquals(Sha256.ofFile(file), artifact.get("sha256").asText(), file.toString());
        continue;
      }
      mapped.add(artifact.get("type").asText());
      assertFalse(artifact.has("sha256"), artifact.toString());
      Path bmap = Path.of(artifact.get("bmap").asText());
      assertEquals(file.resolveSibling(file.getFileName() + ".bmap"), bmap);
      assertTrue(Files.readString(bmap).contains(
          "<BmapFileChecksum> " + artifact.get("bmapChecksum").asText() + " </BmapFileChecksum>"),
          bmap.toString());
      Path copy = out.resolve("bmap-copy");
      Tools.run("bmaptool", "copy", "--bmap", bmap.toString(), file.toString(), copy.toString());
      Tools.run("qemu-img", "compare", "-f", "raw", "-F", "raw", file.toString(),
          copy.toString());
      Files.delete(copy);
    }
    assertEquals(Set.of("raw", "vhd"), mapped);
    assertTrue(Files.isRegularFile(out.resolve("qcow2/disk.qcow2")));
    assertTrue(Files.isRegularFile(out.resolve("image/disk.raw")));
  }

  /**
   * Under UEFI, logged in as root with the config's password: the checks, the config's user in
   * the sudo group it gives, then an update from v2's OSTree repository and a reboot into it
   * (the verifier starts qemu again on the same overlay and UEFI variables: OVMF under software
   * emulation now and then hangs in a warm reset, never in a cold start).
   */
  @Test
  void rawBootsWithUefiAndUpdatesFromARepository() throws Exception {
    JsonNode report = verify(out.resolve("image/disk.raw"), "uefi", "root", UEFI_UPDATE);
    assertEquals("uefi", report.get("firmware").asText());
    assertBootedTheDeployment(report, "root");
    JsonNode commands = report.get("commands");
    report.get("exitCodes").fields().forEachRemaining(e -> assertEquals(0,
        e.getValue().asInt(), e.getKey() + ": " + commands.get(e.getKey())));
    assertEquals("tester sudo", commands.get(UEFI_UPDATE[1]).asText());
    assertTrue(commands.get(UEFI_UPDATE[5]).asText().startsWith("deployed debforge:debian/"),
        commands.get(UEFI_UPDATE[5]).asText());
    String after = commands.get(UEFI_UPDATE[9]).asText();
    assertTrue(after.matches("running\n\\* debian " + publishedFact(v2, "commit")
        + "\\.0 \\(booted\\)\n  debian [0-9a-f]{64}\\.0 \\(rollback\\)\nv2"),
        "v2 booted under UEFI, its trial over, v1 the rollback: " + after);
    assertEquals("2", commands.get(UEFI_UPDATE[11]).asText(), "both deployments in the menu");
  }

  /** The update under UEFI: v2 from the OSTree repository compose published. */
  private static final String[] UEFI_UPDATE = {
    "--command", "su -s /bin/sh tester -c 'id -nG'",
    "--command", MOUNT_UPDATES,
    "--command", "debforge-update switch /run/v2/repo 2>/dev/null",
    "--command", "reboot # under UEFI",
    "--command", ": v2 under UEFI; systemctl is-system-running --wait; debforge-update status"
        + " | grep -E '^[* ] debian |^on trial'; cat /usr/share/debforge-v2; true",
    "--command", ": the menu under UEFI; grep -c '^menuentry' /boot/grub/grub.cfg"
  };

  /** A fact of the publish-ostree step of a compose: its ref, its commit. */
  private static String publishedFact(JsonNode compose, String name) {
    for (JsonNode step : compose.get("steps")) {
      JsonNode facts = step.get("facts");
      if (facts != null && facts.has("delta") && facts.has(name)) {
        return facts.get(name).asText();
      }
    }
    throw new AssertionError("no publish-ostree step in " + compose);
  }

  /**
   * Under BIOS: the checks, then {@link #UPDATE}: v1 to v2 from a second disk, a rollback to v1,
   * a broken v3 and GRUB's fallback to v1.
   */
  @Test
  void qcow2BootsWithBiosUpdatesRollsBackAndFallsBackFromABrokenUpdate() throws Exception {
    JsonNode report = verify(out.resolve("qcow2/disk.qcow2"), "bios", "root", UPDATE);
    assertEquals("bios", report.get("firmware").asText());
    assertBootedTheDeployment(report, "root");
    JsonNode commands = report.get("commands");
    JsonNode exits = report.get("exitCodes");
    exits.fields().forEachRemaining(e -> assertEquals(0, e.getValue().asInt(),
        e.getKey() + ": " + commands.get(e.getKey())));
    String v2Digest = v2.get("artifacts").get(0).get("digest").asText();
    String archive = "oci-archive:/run/v2/v2.oci.tar";
    assertTrue(commands.get(UPDATE[5]).asText().startsWith("deployed " + archive + " ("
        + v2Digest + ") ("), commands.get(UPDATE[5]).asText());
    // The report strips a command's output, so the first line loses its indentation.
    String staged = commands.get(UPDATE[7]).asText();
    assertTrue(staged.matches("\\s*debian [0-9a-f]{64}\\.0 \\(staged\\)\n"
        + "    image:   " + Pattern.quote(archive) + "\n    digest:  " + Pattern.quote(v2Digest)
        + "\n\\* debian [0-9a-f]{64}\\.0 \\(booted\\)"), staged);
    String v2Commit = deployment(staged, 0);
    String v1 = deployment(staged, 3);
    assertEquals("running\n* debian " + v2Commit + ".0 (booted)\n  debian " + v1
        + ".0 (rollback)", commands.get(UPDATE[11]).asText(),
        "v2 is booted and healthy, its trial is over, v1 is the rollback");
    assertEquals("v2\nHello, world!\ndebforge.v2=1", commands.get(UPDATE[13]).asText(),
        "v2's file, package and kernel argument");
    assertEquals("kept\nkept", commands.get(UPDATE[15]).asText(), "/etc and /var are kept");
    assertEquals("2", commands.get(UPDATE[17]).asText(), "both deployments are in the menu");
    assertTrue(commands.get(UPDATE[19]).asText().contains("the next boot runs " + v1),
        commands.get(UPDATE[19]).asText());
    assertEquals("* debian " + v1 + ".0 (booted)\n  debian " + v2Commit + ".0 (rollback)",
        commands.get(UPDATE[23]).asText(), "rolled back: v1 is booted, v2 the rollback");
    assertEquals("v1", commands.get(UPDATE[25]).asText());
    assertTrue(commands.get(UPDATE[29]).asText().endsWith("on trial for 1 boot"),
        commands.get(UPDATE[29]).asText());
    String v3Booted = commands.get(UPDATE[33]).asText();
    assertTrue(v3Booted.startsWith("degraded\nv3\n") && !v3Booted.contains("\nactive")
        && v3Booted.endsWith("\non trial: the default deployment has 0 boots left to reach"
        + " boot-complete.target"), "v3 booted, failed its health check, its trial used up: "
        + v3Booted);
    String fellBack = commands.get(UPDATE[37]).asText();
    assertTrue(fellBack.startsWith("running\nautomatic rollback: " + v3Commit + " did not reach"
        + " boot-complete.target;"), "GRUB fell back to v1: " + fellBack);
    assertTrue(fellBack.contains("\n* debian " + v1 + ".0 (booted)\n  debian " + v3Commit
        + ".0 (rollback)\n") && fellBack.endsWith("\nv1") && !fellBack.contains("on trial"),
        "v1 stays the default: " + fellBack);
    assertEquals("2", commands.get(UPDATE[39]).asText(), "the menu has v1, then v3");
    assertEquals("1\n1", commands.get(UPDATE[41]).asText(),
        "the menu follows an undeploy, written by debforge's generator");
  }

  /** The commit of the n-th line of {@code debforge-update status}'s deployment lines. */
  private static String deployment(String lines, int n) {
    return lines.split("\n")[n].replaceAll("^[* ]*debian ([0-9a-f]{64})\\..*$", "$1");
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
