package dev.debforge.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.boot.Firmware;
import dev.debforge.disk.Architecture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootVerifierTest {

  @TempDir Path dir;

  private QemuOptions options() {
    return QemuOptions.of(
        Architecture.AMD64, Firmware.BIOS, dir.resolve("disk.raw"), "raw", Accelerator.TCG,
        dir.resolve("console.sock"));
  }

  @Test
  void aCommandMayTakeAsLongAsTheBootAndAtLeastTwoMinutes() {
    assertEquals(Duration.ofSeconds(900), BootVerifier.commandTimeout(Duration.ofSeconds(900)));
    assertEquals(BootVerifier.COMMAND_TIMEOUT, BootVerifier.commandTimeout(Duration.ofSeconds(30)));
  }

  @Test
  void logsInRunsCommandsAndReportsMilestones() throws Exception {
    FakeConsole fake = new FakeConsole(dir.resolve("console.sock"), FakeConsole.BOOT, "secret");
    List<String> milestones = new ArrayList<>();
    BootReport report =
        logInAndRun(fake, milestones, "uname -r", "false", "cat /etc/motd", "printf x");

    assertTrue(report.reachedLogin());
    assertEquals("bios", report.firmware());
    assertEquals("tcg", report.accelerator());
    assertEquals(
        Map.of(
            "uname -r", "6.1.0-test", "false", "", "cat /etc/motd", "line one\nline two",
            "printf x", "x"),
        report.commandOutputs());
    assertEquals(
        Map.of("uname -r", 0, "false", 1, "cat /etc/motd", 0, "printf x", 0),
        report.commandExitCodes());
    assertEquals("firmware started", milestones.get(0));
    assertEquals("kernel booting", milestones.get(1));
    assertTrue(milestones.get(2).matches("login prompt after \\d+\\.\\d s"), milestones.get(2));
    assertTrue(Files.readString(dir.resolve("console.log")).contains("debian login: "));
    assertEquals("qemu-system-x86_64", fake.argv().get(0));
  }

  /**
   * The tty drops the beginning of what is typed while login hands over to the shell: the echo of
   * the rest is never taken for the shell's answer, so no command is typed before the shell reads.
   */
  @Test
  void inputDroppedAtLoginIsNeverTakenForTheShellsAnswer() throws Exception {
    FakeConsole fake = new FakeConsole(dir.resolve("console.sock"), FakeConsole.BOOT, "secret");
    fake.dropsInputAtLogin = true;
    BootReport report = logInAndRun(fake, new ArrayList<>(), "uname -r");
    assertEquals(Map.of("uname -r", "6.1.0-test"), report.commandOutputs());
    assertEquals(Map.of("uname -r", 0), report.commandExitCodes());
  }

  /**
   * A reboot is a cold start: qemu ends at the guest's reset (-no-reboot) and another boots the
   * same overlay, which qemu-img made backed by the disk and which is gone afterwards; the
   * console log holds both boots.
   */
  @Test
  void aRebootCommandStartsQemuAgainOnTheSameOverlayAndLogsInAgain() throws Exception {
    FakeConsole fake = new FakeConsole(dir.resolve("console.sock"), FakeConsole.BOOT, "secret");
    List<String> milestones = new ArrayList<>();
    BootReport report = logInAndRun(fake, milestones,
        "uname -r", "systemctl reboot", "cat /proc/sys/kernel/random/boot_id");

    assertEquals("boot-2", report.commandOutputs().get("cat /proc/sys/kernel/random/boot_id"),
        "the command after the reboot ran in the second boot");
    assertEquals(0, report.commandExitCodes().get("systemctl reboot"));
    assertTrue(milestones.contains("rebooting"), milestones.toString());
    assertEquals(2, milestones.stream().filter(m -> m.startsWith("logged in as")).count(),
        milestones.toString());
    assertEquals(2, fake.starts, "a second qemu after the reboot");
    assertTrue(fake.argv().contains("-no-reboot"), "qemu ends at the guest's reset");
    Path overlay = dir.resolve("disk-overlay.qcow2");
    assertEquals(List.of(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b",
        options().disk().toAbsolutePath().toString(), overlay.toString())), fake.tools);
    assertTrue(fake.argv().contains("file=" + overlay + ",if=virtio,format=qcow2"), fake.argv()
        .toString());
    assertFalse(String.join(" ", fake.argv()).contains("snapshot=on"));
    assertFalse(Files.exists(overlay), "the overlay goes with the verification");
    String log = Files.readString(dir.resolve("console.log"));
    assertTrue(log.contains("reboot: Restarting system") && log.indexOf("debian login: ")
        != log.lastIndexOf("debian login: "), "both boots are in the log: " + log);
  }

  @Test
  void aRebootTheUserMayNotDoFailsAtOnceNamingTheExitCode() throws Exception {
    FakeConsole fake = new FakeConsole(dir.resolve("console.sock"), FakeConsole.BOOT, "secret");
    fake.refuseReboot = true;
    long start = System.nanoTime();
    BootFailedException e = assertThrows(BootFailedException.class,
        () -> logInAndRun(fake, new ArrayList<>(), "reboot", "uname -r"));
    assertTrue(e.getMessage().startsWith("systemctl reboot failed (exit code 1) for user root"),
        e.getMessage());
    assertTrue(System.nanoTime() - start < 15_000_000_000L, "it does not wait for a restart");
  }

  @Test
  void aRebootMayCarryACommentThatTellsItApart() {
    assertTrue(BootVerifier.isReboot("reboot"));
    assertTrue(BootVerifier.isReboot(" systemctl reboot "));
    assertTrue(BootVerifier.isReboot("reboot # into the fallback"));
    assertTrue(BootVerifier.isReboot("systemctl reboot\t# again"));
    assertFalse(BootVerifier.isReboot("reboot now"));
    assertFalse(BootVerifier.isReboot("echo reboot"));
    assertFalse(BootVerifier.isReboot("reboot#x"), "no blank: one word to the shell");
  }

  @Test
  void withoutARebootQemuEndsOnOne() throws Exception {
    FakeConsole fake = new FakeConsole(dir.resolve("console.sock"), FakeConsole.BOOT, "secret");
    logInAndRun(fake, new ArrayList<>(), "uname -r");
    assertTrue(fake.argv().contains("-no-reboot"));
    assertTrue(String.join(" ", fake.argv()).contains("snapshot=on"), "no overlay needed");
    assertEquals(List.of(), fake.tools);
  }

  /** Boots the fake, logs in as root and runs the commands, collecting the milestones. */
  private BootReport logInAndRun(FakeConsole fake, List<String> milestones, String... commands)
      throws Exception {
    return new BootVerifier(fake, milestones::add, () -> {})
        .verify(options(), new Credentials("root", "secret"), List.of(commands),
            Duration.ofSeconds(20), dir.resolve("console.log"));
  }

  @Test
  void stopsAtTheLoginPromptWithoutCredentials() throws Exception {
    FakeConsole fake = new FakeConsole(dir.resolve("console.sock"), FakeConsole.BOOT, "secret");
    BootReport report =
        new BootVerifier(fake, m -> {}, () -> {})
            .verify(options(), null, List.of(), Duration.ofSeconds(20), dir.resolve("c.log"));
    assertTrue(report.reachedLogin());
    assertTrue(report.commandOutputs().isEmpty());
    assertTrue(
        report.loginScreen().matches("(?s).*Debian GNU/Linux 12 debian ttyS0\\s+debian login: ?"),
        report.loginScreen());
    assertEquals("debian login:", report.loginPrompt());
    assertFalse(fake.isAlive());
  }

  @Test
  void theLoginScreenEndsAtThePromptEvenWhenMoreFollows() throws Exception {
    FakeConsole fake =
        new FakeConsole(
            dir.resolve("console.sock"),
            FakeConsole.BOOT + "\r\n[   42.000000] a late kernel message\r\n",
            "secret");
    BootReport report =
        new BootVerifier(fake, m -> {}, () -> {})
            .verify(options(), null, List.of(), Duration.ofSeconds(20), dir.resolve("c.log"));
    assertEquals("debian login:", report.loginPrompt(), report.loginScreen());
    assertFalse(report.loginScreen().contains("late"), report.loginScreen());
  }

  @Test
  void failsWithTheConsoleTailAndAHintWhenNoLoginAppears() throws Exception {
    FakeConsole fake =
        new FakeConsole(
            dir.resolve("console.sock"),
            "SeaBIOS (version test)\r\n[    0.000000] Linux version 6.1.0\r\nstuck here\r\n",
            "secret");
    BootFailedException failure =
        assertThrows(
            BootFailedException.class,
            () ->
                new BootVerifier(fake, m -> {}, () -> {})
                    .verify(
                        options(), null, List.of(), Duration.ofSeconds(2), dir.resolve("c.log")));
    String message = failure.getMessage();
    assertTrue(message.startsWith("the guest did not reach a login prompt within 2 s"), message);
    assertTrue(message.contains("    stuck here"), message);
    assertTrue(message.contains("\nHint: the kernel started"), message);
    assertFalse(failure.diskAtFault(), "a boot that only ran out of time may go on elsewhere");
    assertFalse(failure.report().reachedLogin());
    assertFalse(fake.isAlive());
  }

  @Test
  void reportsAFirmwareWithNothingToBootAtOnce() throws Exception {
    FakeConsole fake =
        new FakeConsole(
            dir.resolve("console.sock"), "SeaBIOS (version test)\r\nNo bootable device.\r\n", "");
    long started = System.nanoTime();
    BootFailedException failure =
        assertThrows(
            BootFailedException.class,
            () ->
                new BootVerifier(fake, m -> {}, () -> {})
                    .verify(
                        options(), null, List.of(), Duration.ofSeconds(60), dir.resolve("c.log")));
    assertTrue(failure.getMessage().startsWith("the firmware found no bootable device"));
    assertTrue(failure.diskAtFault());
    assertTrue((System.nanoTime() - started) / 1e9 < 10);
  }

  @Test
  void failsClearlyOnAWrongPassword() throws Exception {
    FakeConsole fake = new FakeConsole(dir.resolve("console.sock"), FakeConsole.BOOT, "secret");
    BootFailedException failure =
        assertThrows(
            BootFailedException.class,
            () ->
                new BootVerifier(fake, m -> {}, () -> {})
                    .verify(
                        options(), new Credentials("root", "wrong"), List.of(),
                        Duration.ofSeconds(20), dir.resolve("c.log")));
    assertTrue(failure.getMessage().contains("Login incorrect"), failure.getMessage());
    assertTrue(failure.diskAtFault());
  }
}
