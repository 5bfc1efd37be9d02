package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.config.Sha512Crypt;
import dev.debforge.store.Sha256;
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
 * {@code --type iso} from the bundled iso plugin (cli/target/plugins), made of the shipped minimal
 * recipe: a hybrid ISO that boots its live system to a login prompt from a CD under BIOS, with
 * Calamares on its screen (and under UEFI, in the unattended install's boot) and from a plain
 * disk (a USB stick) under UEFI, with the image's commit on the medium.
 * A second ISO, whose recipe asks for an unattended install onto {@code /dev/vda}, installs the
 * image onto a blank disk in QEMU and powers off; that disk then boots alone under BIOS and UEFI
 * and the recipe's user logs in. Shares the store with {@link ComposeIT}: the compose steps and
 * the live system are made once.
 */
class IsoIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The password "ann", with a fixed salt so that the unattended ISO's key stays the same. */
  private static final String ANN_HASH = Sha512Crypt.hash("ann", "debforgeisoit");
  private static Path out;
  private static Path iso;
  private static JsonNode result;
  private static String ref;
  private static String commit;

  @BeforeAll
  static void build() throws Exception {
    out = Files.createTempDirectory("debforge-iso-it");
    CliRun run = CliRun.of("run", ComposeIT.RECIPE, "--type", "iso", "-o", out.toString(),
        "--store", ComposeIT.STORE.toString(), "--json");
    assertEquals(0, run.exitCode(), run.err());
    result = JSON.readTree(run.out());
    iso = out.resolve("bootiso/install.iso");
    // The ISO step names the commit it carries. The commit step says so too unless a warm store
    // served the ISO and had lost the commit step's output (then it was not needed, no facts).
    for (JsonNode step : result.get("steps")) {
      if (step.get("name").asText().equals("installer-iso")) {
        ref = step.get("facts").get("ref").asText();
        commit = step.get("facts").get("commit").asText();
      }
    }
    for (JsonNode step : result.get("steps")) {
      JsonNode facts = step.path("facts");
      if (step.get("name").asText().equals("ostree-commit") && facts.has("commit")) {
        assertEquals(ref, facts.get("ref").asText(), step.toString());
        assertEquals(commit, facts.get("commit").asText(), step.toString());
      }
    }
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (out != null) {
      Trees.delete(out);
    }
  }

  @Test
  void thePlanMakesNoDiskAndSharesTheLiveSystem() throws Exception {
    List<String> steps = new ArrayList<>();
    result.get("steps").forEach(s -> steps.add(s.get("name").asText()));
    assertEquals(List.of("debootstrap", "configure", "initramfs", "ostree-commit", "iso-live",
        "installer-iso", "publish-disk-iso"), steps);
    JsonNode artifact = result.get("artifacts").get(0);
    assertEquals(iso.toString(), artifact.get("artifact").asText());
    assertEquals(Sha256.ofFile(iso), artifact.get("sha256").asText());
  }

  @Test
  void theIsoHasBothBootEntriesAndAHybridPartitionTable() throws Exception {
    String torito = Tools.run("xorriso", "-indev", iso.toString(), "-report_el_torito", "plain");
    assertTrue(torito.matches("(?s).*El Torito boot img :\\s+1\\s+BIOS\\s+y\\s+none.*"), torito);
    assertTrue(torito.matches("(?s).*El Torito boot img :\\s+2\\s+UEFI\\s+y\\s+none.*"), torito);
    assertTrue(torito.contains("/boot/grub/bios.img") && torito.contains("/boot/grub/efi.img"),
        torito);
    String area = Tools.run("xorriso", "-indev", iso.toString(), "-report_system_area", "plain");
    assertTrue(area.contains("grub2-mbr"), "GRUB's hybrid MBR for BIOS from a stick: " + area);
    assertTrue(area.contains("GPT partition path :   2  /boot/grub/efi.img"),
        "the EFI boot image is a GPT partition, for UEFI from a stick: " + area);
    // As a plain disk (dd to a stick), the EFI partition is in the GPT that sfdisk reads.
    String table = Tools.run("sfdisk", "--dump", iso.toString());
    assertTrue(table.contains("type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B"), table);
  }

  @Test
  void theIsoCarriesTheImagesCommit() throws Exception {
    Path repo = out.resolve("repo");
    Tools.run("xorriso", "-osirrox", "on", "-indev", iso.toString(), "-extract", "/ostree/repo",
        repo.toString());
    assertEquals(commit, Tools.run("ostree", "rev-parse", "--repo=" + repo, ref).strip());
    Tools.run("ostree", "fsck", "--repo=" + repo);
  }

  private static JsonNode boot(String firmware, String format) throws Exception {
    CliRun verify = CliRun.of("verify", iso.toString(), "--firmware", firmware, "--format",
        format, "--user", "root", "--password", "live", "--json",
        "--command", "cat /proc/cmdline",
        "--command", "ostree rev-parse --repo=/run/live/medium/ostree/repo " + ref);
    assertEquals(0, verify.exitCode(), verify.err() + "\n" + verify.out());
    JsonNode report = JSON.readTree(verify.out());
    JsonNode commands = report.get("commands");
    assertTrue(commands.get("cat /proc/cmdline").asText().contains("boot=live"),
        commands.toString());
    assertEquals(commit,
        commands.get("ostree rev-parse --repo=/run/live/medium/ostree/repo " + ref).asText(),
        "the live system reads the image's commit from its medium");
    return report;
  }

  /**
   * The unattended ISO of the same recipe (only the iso plugin's options differ, so every step
   * but the ISO's own is served from the store) installs onto a blank virtio disk, booted from
   * a CD under UEFI, and powers off; qemu runs here directly, since nothing logs in. Its
   * settings (host name, time zone, keyboard, a user) are on the installed system.
   */
  @Test
  void anUnattendedInstallMakesADiskThatBootsAlone() throws Exception {
    Path recipe = out.resolve("unattended.yaml");
    Files.writeString(recipe, Files.readString(Path.of(ComposeIT.RECIPE))
        + "plugins:\n  iso:\n    unattended: /dev/vda\n    hostname: installed-by-iso\n"
        + "    timezone: Europe/Berlin\n    keyboard: de\n    users:\n      - name: ann\n"
        + "        groups: [sudo]\n        password: '" + ANN_HASH + "'\n");
    Path unattended = out.resolve("unattended");
    CliRun run = CliRun.of("run", recipe.toString(), "--type", "iso", "-o", unattended.toString(),
        "--store", ComposeIT.STORE.toString(), "--json");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode steps = JSON.readTree(run.out()).get("steps");
    // Every step but the ISO's own is the first ISO's, so it comes from the store; the ISO's
    // step may too, when a store kept from an earlier run of this test already has it.
    for (JsonNode step : steps) {
      String name = step.get("name").asText();
      if (!name.equals("installer-iso") && !name.startsWith("publish")) {
        assertTrue(step.get("cacheHit").asBoolean() || step.get("skipped").asBoolean(),
            name + " is served from the store (or not needed): " + step);
      }
    }
    assertNotEquals(stepKey(result.get("steps"), "installer-iso"),
        stepKey(steps, "installer-iso"), "the unattended ISO is a step of its own");
    Path disk = out.resolve("installed.qcow2");
    Tools.run("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "12G");
    Path vars = out.resolve("vars.fd");
    Files.copy(Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd"), vars);
    Path console = out.resolve("install-console.log");
    ProcessBuilder qemu = new ProcessBuilder("qemu-system-x86_64", "-machine", "q35",
        "-accel", "tcg,thread=multi", "-cpu", "max", "-m", "2048", "-smp", "2", "-nodefaults",
        "-display", "none", "-no-reboot", "-nic", "none",
        "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
        "-drive", "if=pflash,format=raw,unit=1,file=" + vars,
        "-drive", "file=" + unattended.resolve("bootiso/install.iso")
            + ",if=none,id=cd0,media=cdrom,readonly=on,format=raw",
        "-device", "virtio-scsi-pci,id=scsi0", "-device", "scsi-cd,drive=cd0,bus=scsi0.0",
        "-drive", "file=" + disk + ",if=virtio,format=qcow2",
        "-serial", "file:" + console)
        .redirectErrorStream(true).redirectOutput(out.resolve("install-qemu.log").toFile());
    Process process = qemu.start();
    boolean ended = process.waitFor(20, java.util.concurrent.TimeUnit.MINUTES);
    if (!ended) {
      process.destroyForcibly().waitFor();
    }
    // The console has firmware and GRUB output that is not UTF-8.
    String log = Files.readString(console, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(ended, "the install powers off within 20 minutes; the console:\n" + tail(log));
    assertEquals(0, process.exitValue(), tail(log));
    assertTrue(log.contains("debforge-install: installed " + ref + " onto /dev/vda"), tail(log));
    // The same boot is this test's proof that the ISO boots from a CD under UEFI to a login
    // prompt: the live system's getty comes up while the install runs.
    assertTrue(log.contains("debforge-installer login:"), tail(log));

    // The installer's user logs in under BIOS, the image's own under UEFI.
    for (String firmware : List.of("bios", "uefi")) {
      String user = firmware.equals("bios") ? "ann" : "debian";
      CliRun verify = CliRun.of("verify", disk.toString(), "--firmware", firmware, "--user",
          user, "--password", user, "--json", "--command", "ostree admin status",
          "--command", "cat /proc/cmdline", "--command", "findmnt -no SOURCE /boot/efi",
          "--command", "hostname", "--command", "readlink /etc/localtime",
          "--command", "grep XKBLAYOUT /etc/default/keyboard", "--command", "id -nG");
      assertEquals(0, verify.exitCode(), verify.err() + "\n" + verify.out());
      JsonNode commands = JSON.readTree(verify.out()).get("commands");
      assertEquals("installed-by-iso", commands.get("hostname").asText(), commands.toString());
      assertEquals("../usr/share/zoneinfo/Europe/Berlin",
          commands.get("readlink /etc/localtime").asText(), commands.toString());
      assertEquals("XKBLAYOUT=\"de\"",
          commands.get("grep XKBLAYOUT /etc/default/keyboard").asText(), commands.toString());
      if (user.equals("ann")) {
        assertTrue(List.of(commands.get("id -nG").asText().split(" ")).contains("sudo"),
            "the installer's user is in the group it was given: " + commands);
      }
      assertTrue(commands.get("ostree admin status").asText().startsWith("* debian " + commit
          + ".0"), commands.toString());
      assertTrue(commands.get("cat /proc/cmdline").asText().contains("console=ttyS0,115200"),
          "the image's kernel arguments: " + commands);
      assertEquals("/dev/vda2", commands.get("findmnt -no SOURCE /boot/efi").asText(),
          "the ESP is the second partition, after BIOS boot, as build makes it");
    }
  }

  private static String stepKey(JsonNode steps, String name) {
    for (JsonNode step : steps) {
      if (step.get("name").asText().equals(name)) {
        return step.get("key").asText();
      }
    }
    throw new AssertionError("no step " + name + " in " + steps);
  }

  private static String tail(String log) {
    return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
  }

  /** debforge's sidebar colour in the installer's branding. */
  static final int SIDEBAR = 0x1f3a5f;

  /**
   * The ISO from a CD under BIOS: the live system's login prompt on the serial console and, on
   * its screen, Calamares' first page (the welcome page) in debforge's branding, taken with
   * QEMU's screendump and kept as {@code target/iso-calamares-welcome.png}. A blank disk gives
   * the installer something to install onto.
   */
  @Test
  void bootsFromACdWithBiosToTheGraphicalInstaller() throws Exception {
    Path disk = out.resolve("blank.qcow2");
    Tools.run("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "8G");
    Path monitor = out.resolve("monitor.sock");
    Path console = out.resolve("gui-console.log");
    Process qemu = new ProcessBuilder("qemu-system-x86_64", "-machine", "q35",
        "-accel", "tcg,thread=multi", "-cpu", "max", "-m", "2048", "-smp", "2", "-nodefaults",
        "-vga", "std", "-display", "none", "-nic", "none",
        "-drive", "file=" + iso + ",if=none,id=cd0,media=cdrom,readonly=on,format=raw",
        "-device", "virtio-scsi-pci,id=scsi0", "-device", "scsi-cd,drive=cd0,bus=scsi0.0",
        "-drive", "file=" + disk + ",if=virtio,format=qcow2",
        "-serial", "file:" + console, "-monitor", "unix:" + monitor + ",server=on,wait=off")
        .redirectErrorStream(true).redirectOutput(out.resolve("gui-qemu.log").toFile()).start();
    Screen screen = null;
    String log = "";
    try {
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(15);
      while (System.nanoTime() < deadline && qemu.isAlive()) {
        Thread.sleep(15_000);
        if (!Files.exists(monitor)) {
          continue;
        }
        screen = Screen.dump(monitor, out.resolve("screen.ppm"));
        log = Files.readString(console, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (looksLikeTheInstaller(screen) && log.contains("debforge-installer login:")) {
          break;
        }
      }
    } finally {
      qemu.destroyForcibly().waitFor();
    }
    assertTrue(screen != null, "QEMU ran: " + Files.readString(out.resolve("gui-qemu.log")));
    Path png = Path.of("target/iso-calamares-welcome.png");
    screen.writePng(png);
    assertTrue(log.contains("debforge-installer login:"),
        "the live system's login prompt on the serial console: " + tail(log));
    assertTrue(looksLikeTheInstaller(screen), String.format("the screen (%s) is Calamares: %.1f%%"
        + " of it in the sidebar's colour, %d colours, the commonest on %.1f%%", png,
        100 * screen.share(SIDEBAR), screen.colours(), 100 * screen.mostCommonShare()));
  }

  /**
   * A page of the installer, not a blank screen or a text console: debforge's sidebar covers a
   * good part of it, and the page is drawn in many colours (antialiased text, the logo).
   */
  static boolean looksLikeTheInstaller(Screen screen) {
    return screen.share(SIDEBAR) > 0.05 && screen.colours() > 32
        && screen.mostCommonShare() < 0.9;
  }

  @Test
  void bootsFromAUsbStickWithUefi() throws Exception {
    assertEquals("uefi", boot("uefi", "raw").get("firmware").asText());
  }
}
