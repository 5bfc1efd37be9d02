package dev.debforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.debforge.boot.Firmware;
import dev.debforge.disk.Architecture;
import dev.debforge.plugin.BadInputException;
import dev.debforge.process.ExitCleanup;
import dev.debforge.process.HostTools;
import dev.debforge.recipe.UserText;
import dev.debforge.stage.verify.VerifyStage;
import dev.debforge.store.OwnedDir;
import dev.debforge.verify.BootFailedException;
import dev.debforge.verify.BootReport;
import dev.debforge.verify.BootVerifier;
import dev.debforge.verify.Credentials;
import dev.debforge.verify.ProcessLauncher;
import dev.debforge.verify.QemuOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code debforge verify DISK}: boots a disk in QEMU and waits for the login prompt. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Boot a disk image in QEMU and wait for the login prompt on the serial console.",
      "KVM is used when it really works here, else software emulation. With --user and",
      "--password it logs in and runs the --command lines.",
      "Exit code 0 when the login prompt was reached (and every command exited 0), else 1."
    })
final class VerifyCommand implements Callable<Integer> {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Parameters(paramLabel = "DISK", description = "The disk image: raw, qcow2, vmdk, vhd, vhdx,"
      + " vdi or an installer ISO (booted as a CD), told by its name (or --format).")
  Path disk;

  @Option(names = "--firmware", defaultValue = "uefi", description = "uefi or bios (default: "
      + "${DEFAULT-VALUE}).")
  String firmware;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
      description = "How long to wait for the login prompt, and for each command (at least "
          + "120 s) (default: ${DEFAULT-VALUE}).")
  int timeout;

  @Option(names = "--arch", paramLabel = "ARCH", description = "The disk's architecture "
      + "(default: this machine's).")
  String arch;

  @Option(names = "--format", description = "The disk's format (default: from its name).")
  String format;

  @Option(names = "--user", description = "Log in as this user after the prompt.")
  String user;

  @Option(names = "--password", description = "The user's password.")
  String password;

  @Option(names = "--command", paramLabel = "CMD", description = "A command to run after "
      + "logging in; repeatable. 'reboot' reboots the guest, waits for the next login prompt "
      + "and logs in again; the commands after it run in the new boot (the disk's snapshot "
      + "keeps what the first boot wrote).")
  List<String> commands = new ArrayList<>();

  @Option(names = "--drive", paramLabel = "FILE", description = "Another disk image for the "
      + "guest, such as a file system holding an OSTree repository to update from; repeatable. "
      + "Attached read-only (qemu's readonly=on: the file is never written, a write by the guest "
      + "fails) after the boot disk, which stays the first (a disk booted as /dev/vda sees them "
      + "as /dev/vdb, /dev/vdc, …); its format is told by its name as the disk's is "
      + "(.qcow2, …, else raw).")
  List<Path> drives = new ArrayList<>();

  @Option(names = "--cpus", paramLabel = "N", description = "The guest's processors (default: "
      + QemuOptions.DEFAULT_CPUS + ").")
  Integer cpus;

  @Option(names = "--memory", paramLabel = "MIB", description = "The guest's memory in MiB "
      + "(default: " + QemuOptions.DEFAULT_MEMORY_MIB + ").")
  Integer memoryMiB;

  @Option(names = "--json", description = "Print one result object on standard output.")
  boolean json;

  @Option(names = "--console-log", paramLabel = "FILE", description = "Where to keep the whole "
      + "serial console transcript.")
  Path consoleLog;

  @Spec CommandSpec spec;

  /** Where verify keeps qemu's files (UEFI variables, the console log) while it runs. */
  static final String SCRATCH_PREFIX = "debforge-verify-";

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    // What a verify killed with SIGKILL left behind: its owner's lock is gone with it.
    OwnedDir.removeStale(tmp, SCRATCH_PREFIX);
    String problem = problemWith(disk);
    if (problem != null) {
      throw new UserError(
          disk + ": " + problem
              + "\nHint: give the disk file a build wrote, e.g. output/qcow2/disk.qcow2");
    }
    for (Path drive : drives) {
      problem = problemWith(drive);
      if (problem != null) {
        throw new UserError(
            "--drive " + drive + ": " + problem
                + "\nHint: give a disk image file (raw, qcow2, …) to attach to the guest");
      }
    }
    if (timeout < 1) {
      throw new UserError("--timeout " + timeout + " is not a time\nHint: give seconds, like 300");
    }
    if (cpus != null && (cpus < 1 || cpus > 64)) {
      throw new UserError("--cpus " + cpus + " is not a number of processors"
          + "\nHint: give 1 to 64, like 2");
    }
    if (memoryMiB != null && memoryMiB < 256) {
      throw new UserError("--memory " + memoryMiB + " MiB is too little for a Debian guest"
          + "\nHint: give MiB, 256 or more, like 2048");
    }
    if ((user == null) != (password == null) || (!commands.isEmpty() && user == null)) {
      throw new UserError("--user and --password go together, and --command needs them");
    }
    Firmware fw;
    Architecture architecture;
    String diskFormat;
    try {
      diskFormat = format != null ? VerifyStage.format(format) : VerifyStage.formatOf(disk);
      fw = VerifyStage.firmware(firmware);
      architecture =
          Architecture.fromDebianName(
              arch != null ? Requests.checkedArch(arch) : HostTools.architecture());
    } catch (BadInputException | IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    OwnedDir owned = OwnedDir.create(tmp, SCRATCH_PREFIX);
    Path scratch = owned.path();
    // On SIGINT or SIGTERM the hook kills qemu first, then removes its directory; this thread
    // holds qemu until then, so qemu's death signal does not fire early (see DeathSignal).
    ExitCleanup.Registration atExit = ExitCleanup.atExit(owned::delete);
    try {
      QemuOptions qemu =
          VerifyStage.qemuOptions(
              architecture,
              fw,
              disk.toAbsolutePath(),
              diskFormat,
              scratch,
              line -> progress(err, line));
      List<QemuOptions.Drive> extra = new ArrayList<>();
      for (Path drive : drives) {
        extra.add(VerifyStage.extraDrive(drive.toAbsolutePath()));
        progress(err, "attaching " + drive + " read-only (" + extra.get(extra.size() - 1).format()
            + ") after the boot disk");
      }
      qemu = qemu.withExtraDrives(extra);
      if (cpus != null || memoryMiB != null) {
        qemu = qemu.withMachine(memoryMiB != null ? memoryMiB : qemu.memoryMiB(),
            cpus != null ? cpus : qemu.cpus());
      }
      BootVerifier verifier =
          new BootVerifier(ProcessLauncher.host(line -> {}), line -> progress(err, line), () -> {});
      Path log = consoleLog != null ? consoleLog : scratch.resolve("console.log");
      try {
        BootReport report =
            verifier.verify(
                qemu,
                user == null ? null : new Credentials(user, password),
                commands,
                Duration.ofSeconds(timeout),
                log);
        boolean commandsPassed =
            report.commandExitCodes().values().stream().allMatch(code -> code == 0);
        print(report, commandsPassed);
        return commandsPassed ? ExitCodes.DONE : ExitCodes.FAILED;
      } catch (BootFailedException e) {
        if (json) {
          print(e.report(), false);
        }
        err.println("error: " + UserText.printable(e.getMessage()));
        return ExitCodes.FAILED;
      } catch (BadInputException e) {
        throw new UserError(e.getMessage());
      }
    } finally {
      owned.close();
      atExit.close();
    }
  }

  /** Why qemu could not open this file as a disk image, or null when it is one. */
  private static String problemWith(Path file) {
    if (Files.isDirectory(file)) {
      return "is a directory, not a disk image";
    } else if (!Files.exists(file)) {
      return "no disk image there";
    } else if (!Files.isRegularFile(file)) {
      return "is not a regular file (a FIFO, a device or a socket)";
    } else if (!Files.isReadable(file)) {
      return "cannot be read by this user";
    }
    return null;
  }

  private void print(BootReport report, boolean commandsPassed) throws Exception {
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("disk", disk.toAbsolutePath().toString());
      out.put("reachedLogin", report.reachedLogin());
      out.put("secondsToLogin", report.secondsToLogin());
      out.put("firmware", report.firmware());
      out.put("accelerator", report.accelerator());
      out.put("loginScreen", report.loginScreen());
      out.put("commands", report.commandOutputs());
      out.put("exitCodes", report.commandExitCodes());
      out.put("passed", report.reachedLogin() && commandsPassed);
      spec.commandLine().getOut().println(JSON.writeValueAsString(out));
    } else {
      spec.commandLine()
          .getOut()
          .println(
              disk + ": login prompt after "
                  + String.format(Locale.ROOT, "%.1f", report.secondsToLogin()) + " s ("
                  + report.firmware() + ", " + report.accelerator() + "):");
      report.loginScreen().strip().lines().forEach(line ->
          spec.commandLine().getOut().println("  | " + line));
      report.commandOutputs().forEach((command, output) ->
          spec.commandLine().getOut().println("$ " + command + "\n" + output));
    }
    spec.commandLine().getOut().flush();
  }

  private static void progress(PrintWriter err, String line) {
    synchronized (err) {
      err.println(line);
      err.flush();
    }
  }
}
