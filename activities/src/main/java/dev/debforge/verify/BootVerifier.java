package dev.debforge.verify;

import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.ToolException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * Boots a disk in qemu and checks it on the serial console: the guest must reach
 * {@code login: }; with credentials the verifier then logs in, runs each command and collects
 * its output and exit status, and powers the guest off. qemu's process tree is killed at the end
 * whatever happened.
 *
 * <p>The protocol after the password: it types {@code echo DEBFORGE-REA''DY} until
 * {@code DEBFORGE-READY} comes back on a line of its own (the shell is then reading input), then
 * for each command types
 * {@code echo DEBFORGE-BEG''IN; CMD; echo "DEBFORGE-END $?"} and takes what the guest prints
 * between the markers {@code DEBFORGE-BEGIN} and {@code DEBFORGE-END <status>}, each ending a
 * line. The echo of the typed line matches neither (it spells {@code BEG''IN} and {@code $?}),
 * and whatever the tty prints before the command runs, such as the shell's prompt racing the
 * echo, lands before the begin marker, even on its line. Output without a final newline still
 * ends at the end marker. A failing command is reported, not an error: the caller decides.
 *
 * <p>Milestones go to the progress callback: "firmware started", "kernel booting" (at
 * {@code Linux version}), "login prompt after 42.1 s". A kernel panic, SeaBIOS's
 * {@code No bootable device} or qemu exiting end the wait at once.
 */
public final class BootVerifier {

  /** How long a boot may take to the login prompt under TCG, measured at 35–100 s here. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
  static final int TAIL_LINES = 40;

  /** How many console lines {@link BootReport#loginScreen()} keeps, the prompt last. */
  static final int LOGIN_SCREEN_LINES = 4;
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

  /**
   * How long one command may run: as long as the boot may take, and at least {@link
   * #COMMAND_TIMEOUT}; a command that updates the system under software emulation takes minutes.
   */
  static Duration commandTimeout(Duration bootTimeout) {
    return bootTimeout.compareTo(COMMAND_TIMEOUT) > 0 ? bootTimeout : COMMAND_TIMEOUT;
  }
  /** How long a shutdown may take, finalizing a staged deployment included. */
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(180);
  static final Duration TICK = Duration.ofSeconds(10);
  static final String READY = "DEBFORGE-READY";

  /**
   * What is typed to get {@link #READY}: no part of its echo is {@link #READY}. The tty drops
   * input while login hands over to the shell, and the echo of a line whose beginning was
   * dropped ({@code echo }) was once taken for the answer, and the next line typed lost its
   * beginning too (IsoIT on CI45).
   */
  static final String READY_TYPED = "echo DEBFORGE-REA''DY";

  private static final Pattern BOOT_EVENTS =
      Pattern.compile(
          "login: |Linux version |SeaBIOS|BdsDxe|UEFI firmware"
              + "|Kernel panic - not syncing[^\n]*|No bootable device"
              + "|emergency mode|Emergency shell");
  private static final Pattern PASSWORD = Pattern.compile("Password: ?");
  private static final Pattern RESTARTING =
      Pattern.compile("reboot: Restarting system|(?m)^DEBFORGE-NO-REBOOT (\\d+)$");
  private static final Pattern AFTER_PASSWORD =
      Pattern.compile("(Login incorrect)|(?m:^" + READY + "$)");
  private static final Pattern COMMAND_BEGIN = Pattern.compile("(?m)DEBFORGE-BEGIN$");
  private static final Pattern COMMAND_END = Pattern.compile("(?m)DEBFORGE-END (\\d+)$");

  private final ProcessLauncher launcher;
  private final Consumer<String> progress;
  private final Runnable tick;

  /**
   * @param launcher starts qemu
   * @param progress receives milestones
   * @param tick called about every {@link #TICK} while waiting; it may throw to cancel (the
   *     activity heartbeat), and qemu is then killed
   */
  public BootVerifier(ProcessLauncher launcher, Consumer<String> progress, Runnable tick) {
    this.launcher = launcher;
    this.progress = progress;
    this.tick = tick;
  }

  /**
   * Boots and checks the disk.
   *
   * @param credentials who to log in as, or {@code null} to stop at the login prompt
   * @param commands shell commands to run after logging in; needs credentials
   * @param timeout how long the boot may take to the login prompt
   * @param consoleLog receives the full console transcript
   * @throws BootFailedException when no login prompt appears in time or the login fails
   */
  public BootReport verify(
      QemuOptions options,
      Credentials credentials,
      List<String> commands,
      Duration timeout,
      Path consoleLog)
      throws BootFailedException, BadInputException, ToolException, IOException,
          InterruptedException {
    if (!commands.isEmpty() && credentials == null) {
      throw new BadInputException(
          "commands to run need a user to log in as", "set user and password, or drop commands");
    }
    boolean reboots = commands.stream().anyMatch(BootVerifier::isReboot);
    // What the guest writes must outlive the qemu that a reboot ends.
    Path overlay = reboots && !options.diskFormat().equals(QemuCommand.CDROM)
        ? options.serialSocket().resolveSibling("disk-overlay.qcow2")
        : null;
    List<String> argv = QemuCommand.argv(overlay == null ? options : options.withOverlay(overlay));
    String firmware = options.firmware().name().toLowerCase(Locale.ROOT);
    String accelerator = options.accelerator().qemuName();
    try (Session session =
        new Session(argv, options.serialSocket(), consoleLog, firmware, accelerator, timeout)) {
      if (overlay != null) {
        launcher.runToEnd(
            QemuCommand.overlay(options.disk(), options.diskFormat(), overlay), STEP_TIMEOUT);
      }
      session.start(false);
      double secondsToLogin = session.waitForLogin();
      Map<String, String> outputs = new LinkedHashMap<>();
      Map<String, Integer> exits = new LinkedHashMap<>();
      if (credentials != null) {
        session.logIn(credentials);
        for (String command : commands) {
          progress.accept("running: " + command);
          if (isReboot(command)) {
            session.reboot(credentials);
            exits.put(command, 0);
          } else {
            session.run(command, outputs, exits);
          }
        }
        session.powerOff();
      }
      return new BootReport(
          true,
          secondsToLogin,
          firmware,
          accelerator,
          outputs,
          exits,
          session.console.tail(TAIL_LINES),
          session.loginScreen);
    } finally {
      if (overlay != null) {
        Files.deleteIfExists(overlay);
      }
    }
  }

  /**
   * Whether a command reboots the guest: {@code reboot} or {@code systemctl reboot}, maybe with
   * a shell comment after it ({@code reboot # into v2}), which tells several reboots apart in
   * the report. The verifier then waits for the next login prompt, logs in again and runs the
   * commands after it there, so one verification can check what survives a reboot (a staged
   * update, a changed menu).
   */
  public static boolean isReboot(String command) {
    String c = command.replaceFirst("\\s#.*$", "").strip();
    return c.equals("reboot") || c.equals("systemctl reboot");
  }

  /**
   * One verification in progress: the qemu running now and its console, the clock and what has
   * been seen. A reboot ends one qemu and starts the next with the same arguments.
   */
  private final class Session implements AutoCloseable {
    private final List<String> argv;
    private final Path socket;
    private final Path consoleLog;
    private ProcessLauncher.Running qemu;
    private SerialConsole console;
    private long started;
    private final String firmware;
    private final String accelerator;
    private final Duration timeout;
    private String loginScreen = "";

    Session(
        List<String> argv,
        Path socket,
        Path consoleLog,
        String firmware,
        String accelerator,
        Duration timeout) {
      this.argv = argv;
      this.socket = socket;
      this.consoleLog = consoleLog;
      this.firmware = firmware;
      this.accelerator = accelerator;
      this.timeout = timeout;
    }

    /** Starts qemu and connects to its console; the clock of the boot starts here. */
    void start(boolean appendToLog)
        throws ToolException, IOException, InterruptedException {
      started = System.nanoTime();
      qemu = launcher.start(argv);
      ProcessLauncher.Running running = qemu;
      console = SerialConsole.connect(
          socket, Duration.ofSeconds(30), running::isAlive, consoleLog, appendToLog);
    }

    void powerOff() throws IOException, InterruptedException {
      console.send("systemctl poweroff\n");
      qemu.waitFor(30, TimeUnit.SECONDS);
    }

    /** Closes the console and kills qemu's process tree, whatever the console says. */
    @Override
    public void close() throws IOException {
      try {
        if (console != null) {
          console.close();
        }
      } finally {
        if (qemu != null) {
          qemu.close();
        }
      }
    }

    double waitForLogin() throws BootFailedException, InterruptedException, IOException {
      long deadline = started + timeout.toNanos();
      boolean firmwareSeen = false;
      boolean kernelSeen = false;
      while (true) {
        MatchResult event = expectUntil(BOOT_EVENTS, deadline);
        if (event == null) {
          throw failure(
              console.isClosed()
                  ? "qemu exited before the guest reached a login prompt"
                  : "the guest did not reach a login prompt within " + timeout.toSeconds() + " s",
              hintFor(firmwareSeen, kernelSeen, console.isClosed()),
              false);
        }
        String text = event.group();
        if (text.equals("login: ")) {
          double seconds = (System.nanoTime() - started) / 1e9;
          loginScreen = console.linesBefore(event.end(), LOGIN_SCREEN_LINES);
          progress.accept(String.format(Locale.ROOT, "login prompt after %.1f s", seconds));
          return seconds;
        } else if (text.startsWith("Linux version")) {
          if (!kernelSeen) {
            progress.accept("kernel booting");
          }
          kernelSeen = true;
        } else if (text.startsWith("Kernel panic")) {
          throw failure(
              "the guest's kernel panicked: " + text.strip(),
              "read the lines above the panic; a wrong root= or ostree= karg, or an initramfs"
                  + " without the ostree module, are the usual causes");
        } else if (text.equals("No bootable device")) {
          throw failure(
              "the firmware found no bootable device on the disk",
              "check that the bootloader stage ran for firmware " + firmware
                  + " and that the disk file is the one it wrote");
        } else if (text.toLowerCase(Locale.ROOT).contains("emergency")) {
          throw failure(
              "the guest fell into systemd's emergency mode",
              "a mount in fstab or the root file system failed; read console.log for the unit"
                  + " that failed");
        } else {
          if (!firmwareSeen) {
            progress.accept("firmware started");
          }
          firmwareSeen = true;
        }
      }
    }

    /**
     * Reboots the guest and logs in again. The shutdown is seen by the kernel's last line, so the
     * old boot's prompt cannot be taken for the new one's.
     */
    void reboot(Credentials credentials)
        throws BootFailedException, InterruptedException, IOException {
      console.send("systemctl reboot || echo \"DEBFORGE-NO-REBOOT $?\"\n");
      MatchResult restart = expectUntil(RESTARTING, deadlineIn(SHUTDOWN_TIMEOUT));
      if (restart == null) {
        throw failure(
            "the guest did not restart within " + SHUTDOWN_TIMEOUT.toSeconds() + " s of"
                + " systemctl reboot",
            "read console.log for the unit the shutdown waited for");
      }
      if (restart.group(1) != null) {
        throw failure(
            "systemctl reboot failed (exit code " + restart.group(1) + ") for user "
                + credentials.user(),
            "log in as root, or as a user allowed to reboot, to run a reboot command",
            false);
      }
      progress.accept("rebooting");
      // qemu runs with -no-reboot: it ends at the guest's reset, and a new one boots the same
      // overlay and UEFI variables, as a machine is powered on again.
      if (!qemu.waitFor(SHUTDOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        throw failure(
            "qemu did not end within " + SHUTDOWN_TIMEOUT.toSeconds() + " s of the guest's"
                + " restart", "read console.log for what the guest did after its restart line");
      }
      close();
      // The report keeps the first boot's prompt, as it keeps its time to reach it.
      String firstLoginScreen = loginScreen;
      try {
        start(true);
      } catch (ToolException e) {
        throw new IOException("could not start qemu again after the guest's reboot: "
            + e.getMessage(), e);
      }
      waitForLogin();
      loginScreen = firstLoginScreen;
      logIn(credentials);
    }

    void logIn(Credentials credentials)
        throws BootFailedException, InterruptedException, IOException {
      console.send(credentials.user() + "\n");
      if (expectUntil(PASSWORD, deadlineIn(STEP_TIMEOUT)) == null) {
        throw failure(
            "the guest did not ask for a password after the user name " + credentials.user(),
            "check that the user exists and has a password in the configure stage");
      }
      console.send(credentials.password() + "\n");
      long deadline = deadlineIn(STEP_TIMEOUT);
      while (true) {
        // Typing the marker again is harmless: each copy only echoes once the shell reads it.
        console.send(READY_TYPED + "\n");
        MatchResult answer = expectUntil(AFTER_PASSWORD, Math.min(deadline, deadlineIn(TICK)));
        if (answer != null) {
          if (answer.group(1) != null) {
            throw failure(
                "the guest refused the login of " + credentials.user() + " (Login incorrect)",
                "check the user's password in the recipe");
          }
          progress.accept("logged in as " + credentials.user());
          return;
        }
        if (console.isClosed() || System.nanoTime() > deadline) {
          throw failure(
              "no shell answered after logging in as " + credentials.user(),
              "check that the user's shell exists and that the login is not refused");
        }
      }
    }

    void run(String command, Map<String, String> outputs, Map<String, Integer> exits)
        throws BootFailedException, InterruptedException, IOException {
      console.send("echo DEBFORGE-BEG''IN; " + command + "; echo \"DEBFORGE-END $?\"\n");
      Duration allowed = commandTimeout(timeout);
      long deadline = deadlineIn(allowed);
      MatchResult begin = expectUntil(COMMAND_BEGIN, deadline);
      MatchResult end = begin == null ? null : expectUntil(COMMAND_END, deadline);
      if (end == null) {
        throw failure(
            "the command '" + command + "' did not finish within " + allowed.toSeconds() + " s",
            "run it by hand in the booted image to see where it waits, or give it longer"
                + " (timeoutSeconds, verify --timeout)");
      }
      outputs.put(command, console.cleanedSince(begin.end(), end.start()).strip());
      exits.put(command, Integer.parseInt(end.group(1)));
    }

    /** Waits for the pattern until the deadline, ticking; null when time ran out or qemu exited. */
    private MatchResult expectUntil(Pattern pattern, long deadline)
        throws InterruptedException, IOException {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        try {
          return console.expect(pattern, Duration.ofNanos(Math.min(left, TICK.toNanos())));
        } catch (ConsoleTimeoutException e) {
          if (e.consoleClosed()) {
            return null;
          }
          tick.run();
        }
      }
    }

    private long deadlineIn(Duration duration) {
      return System.nanoTime() + duration.toNanos();
    }

    private BootFailedException failure(String what, String hint) {
      return failure(what, hint, true);
    }

    /**
     * @param diskAtFault whether the disk itself stopped the boot (a panic, an emergency shell),
     *     as opposed to time running out or qemu stopping, which the machine may cause
     */
    private BootFailedException failure(String what, String hint, boolean diskAtFault) {
      String tail = console.tail(TAIL_LINES);
      StringBuilder message =
          new StringBuilder(what)
              .append(" (firmware ").append(firmware)
              .append(", accelerator ").append(accelerator).append(")");
      message.append("\n  serial console (last ").append(TAIL_LINES).append(" lines):");
      if (tail.isBlank()) {
        message.append("\n    (nothing)");
      } else {
        for (String line : tail.split("\n")) {
          message.append("\n    ").append(line);
        }
      }
      String stderr = qemu.stderrTail();
      if (!qemu.isAlive() && !stderr.isBlank()) {
        message.append("\n  qemu stderr:");
        for (String line : stderr.split("\n")) {
          message.append("\n    ").append(line);
        }
      }
      message.append("\nHint: ").append(hint);
      return new BootFailedException(
          message.toString(),
          new BootReport(false, 0, firmware, accelerator, Map.of(), Map.of(), tail, ""),
          diskAtFault);
    }

    private String hintFor(boolean firmwareSeen, boolean kernelSeen, boolean qemuExited) {
      if (!firmwareSeen && !kernelSeen && qemuExited) {
        return "qemu stopped before the firmware printed anything; its stderr above says why"
            + " (a disk file that is not in the format given, a missing firmware file)";
      }
      if (!firmwareSeen && !kernelSeen) {
        return "the firmware printed nothing on the serial port; check the firmware files"
            + " (ovmf) and the qemu stderr above";
      }
      if (!kernelSeen) {
        return "the firmware ran but no kernel started; check the boot loader on the disk"
            + " and that GRUB's console is the serial port";
      }
      return "the kernel started; read console.log for where it stopped. Under TCG a boot"
          + " takes 40-100 s; raise timeoutSeconds if the log shows steady progress";
    }
  }
}
