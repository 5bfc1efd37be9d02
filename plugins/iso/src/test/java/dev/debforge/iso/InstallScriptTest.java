package dev.debforge.iso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install script's options, as Calamares and the unattended install pass them, checked
 * against the image before any disk is touched: a medium made here holds an OSTree commit with
 * a group file and one time zone, and a target that is not a block device is where a run whose
 * options are all good stops.
 */
class InstallScriptTest {

  @TempDir static Path dir;
  private static Path script;
  private static Path medium;
  private static Path notADisk;

  @BeforeAll
  static void medium() throws Exception {
    script = Files.write(dir.resolve("install"), Installer.SCRIPT);
    medium = Files.createDirectories(dir.resolve("medium"));
    Path tree = Files.createDirectories(dir.resolve("tree/usr/etc"));
    Files.writeString(tree.resolve("group"), "root:x:0:\nsudo:x:27:\nusers:x:100:\n");
    Path zone = dir.resolve("tree/usr/share/zoneinfo/Europe/Berlin");
    Files.createDirectories(zone.getParent());
    Files.writeString(zone, "TZif");
    Path repo = medium.resolve("ostree/repo");
    Files.createDirectories(repo);
    run(List.of("ostree", "init", "--repo=" + repo, "--mode=archive"));
    String commit = run(List.of("ostree", "commit", "--repo=" + repo, "--branch=test/x",
        "--tree=dir=" + dir.resolve("tree"), "--no-xattrs")).strip();
    Files.createDirectories(medium.resolve("debforge"));
    Files.writeString(medium.resolve("debforge/image.env"), "DEBFORGE_REF=test/x\n"
        + "DEBFORGE_COMMIT=" + commit + "\nDEBFORGE_OS=debian\nDEBFORGE_ARCH=amd64\n");
    notADisk = Files.writeString(dir.resolve("not-a-disk"), "");
  }

  private static String run(List<String> argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), argv + ": " + out);
    return out;
  }

  private record Result(int exit, String output) {}

  private static Result install(String... args) throws IOException, InterruptedException {
    return install(Path.of("/proc/cmdline"), args);
  }

  private static Result install(Path cmdline, String... args)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("bash", script.toString()));
    argv.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    builder.environment().put("DEBFORGE_MEDIUM", medium.toString());
    builder.environment().put("DEBFORGE_CMDLINE", cmdline.toString());
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out);
  }

  private static void assertStopsAtTheDisk(Result result) {
    assertEquals(1, result.exit(), result.output());
    assertTrue(result.output().contains(notADisk + " is not a block device"), result.output());
  }

  @Test
  void goodOptionsPassEveryCheckAndStopOnlyAtTheDisk() throws Exception {
    assertStopsAtTheDisk(install("--hostname", "lab-1", "--locale", "de_DE.UTF-8",
        "--keyboard", "de:nodeadkeys", "--timezone", "Europe/Berlin",
        "--user", "ann", "--fullname", "Ann Example", "--groups", "sudo,users",
        "--password-hash", "$6$salt$abcdefghijklmnopqrstuvwxyz0123456789",
        "--ssh-key", "ssh-ed25519 AAAAC3Nza ann@lab", notADisk.toString()));
  }

  @Test
  void whatTheImageLacksFailsBeforeTheDiskIsTouched() throws Exception {
    Result zone = install("--timezone", "Mars/Olympus", notADisk.toString());
    assertEquals(1, zone.exit());
    assertTrue(zone.output().contains("the image has no such zone"), zone.output());
    Result group = install("--user", "ann", "--groups", "wheel", notADisk.toString());
    assertEquals(1, group.exit());
    assertTrue(group.output().contains("the image has no group 'wheel'"), group.output());
  }

  @Test
  void malformedOptionsAreRefusedWithTheirNames() throws Exception {
    Result host = install("--hostname", "no spaces", notADisk.toString());
    assertTrue(host.exit() == 1 && host.output().contains("--hostname 'no spaces'"),
        host.output());
    Result orphan = install("--password-hash", "$6$a$b", notADisk.toString());
    assertTrue(orphan.exit() == 1 && orphan.output().contains("give --user NAME before it"),
        orphan.output());
    Result hash = install("--user", "ann", "--password-hash", "secret", notADisk.toString());
    assertTrue(hash.exit() == 1 && hash.output().contains("not a crypt(3) hash"),
        hash.output());
    Result user = install("--user", "Ann", notADisk.toString());
    assertTrue(user.exit() == 1 && user.output().contains("--user 'Ann'"), user.output());
    assertEquals(2, install("--colour", "blue", notADisk.toString()).exit());
    assertEquals(2, install("--hostname", "lab").exit(), "no disk");
    Result help = install("--help");
    assertEquals(0, help.exit());
    assertTrue(help.output().contains("--timezone ZONE"), help.output());
  }

  @Test
  void theUnattendedInstallTakesItsDiskFromTheKernelAndItsOptionsFromTheMedium()
      throws Exception {
    Path cmdline = Files.writeString(dir.resolve("cmdline"),
        "boot=live debforge.install=" + notADisk + " quiet\n");
    Files.writeString(medium.resolve("debforge/install.args"),
        "--hostname\nlab-2\n--timezone\nEurope/Berlin\n");
    try {
      assertStopsAtTheDisk(install(cmdline, "--unattended"));
      Files.writeString(medium.resolve("debforge/install.args"), "--timezone\nMars/Olympus\n");
      Result bad = install(cmdline, "--unattended");
      assertTrue(bad.exit() == 1 && bad.output().contains("Mars/Olympus"), bad.output());
      Result none = install(Files.writeString(dir.resolve("plain"), "boot=live\n"),
          "--unattended");
      assertTrue(none.exit() == 1 && none.output().contains("no debforge.install=DISK"),
          none.output());
    } finally {
      Files.delete(medium.resolve("debforge/install.args"));
    }
  }
}
