package dev.debforge.stage.verify;

import dev.debforge.boot.Firmware;
import dev.debforge.disk.Architecture;
import dev.debforge.plugin.BadInputException;
import dev.debforge.recipe.UserText;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.store.Trees;
import dev.debforge.verify.Accelerator;
import dev.debforge.verify.BootReport;
import dev.debforge.verify.BootVerifier;
import dev.debforge.verify.Credentials;
import dev.debforge.verify.ProcessLauncher;
import dev.debforge.verify.QemuCommand;
import dev.debforge.verify.QemuOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code verify}: boots the disk in qemu and checks that it reaches a login prompt.
 *
 * <p>Input {@code disk}: the directory holding the disk file. qemu opens it with
 * {@code snapshot=on}, so the disk in the store is never written. The accelerator is KVM only
 * when KVM really runs a guest here, otherwise TCG (see {@link Accelerator}); {@code
 * DEBFORGE_ACCEL=kvm|tcg} overrides. With a user and password the stage logs in on the serial
 * console and runs each command, recording its output; a command that exits non-zero is recorded,
 * not a failure. The guest is then powered off, and qemu is killed in any case.
 *
 * <p>Output: {@code console.log}, the full serial console. Facts: {@code login} ({@code yes}),
 * {@code secondsToLogin}, {@code firmware}, {@code accelerator}, and for the N-th command (from
 * 1) {@code cmd.N} (its output, trimmed, at most 4 KiB) and {@code cmd.N.exit}.
 *
 * <p>A boot that does not reach the login prompt fails the step with the console's last 40
 * lines and a hint. It is a failed build, not bad input, so the usual retry policy applies.
 */
public final class VerifyStage implements Stage<VerifyOptions> {

  public static final String ID = "verify";
  static final String CONSOLE_LOG = "console.log";
  static final int FACT_LIMIT = 4096;

  private final Function<StageContext, ProcessLauncher> launchers;

  public VerifyStage() {
    this(context -> ProcessLauncher.host(line -> context.progress(line)));
  }

  /** For tests: the launcher that starts qemu (or a stand-in) for a context. */
  VerifyStage(Function<StageContext, ProcessLauncher> launchers) {
    this.launchers = launchers;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 2;
  }

  @Override
  public Class<VerifyOptions> optionsType() {
    return VerifyOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, VerifyOptions options) throws Exception {
    Architecture arch = Architecture.fromDebianName(context.architecture());
    Firmware firmware = firmware(options.firmware());
    Path disk = diskFile(context.input("disk"), options.diskFile());
    String format = options.format() != null ? options.format() : formatOf(disk);
    Credentials credentials = credentials(options);
    Duration timeout =
        options.timeoutSeconds() == null
            ? BootVerifier.DEFAULT_TIMEOUT
            : Duration.ofSeconds(options.timeoutSeconds());
    if (timeout.isNegative() || timeout.isZero()) {
      throw new BadInputException(
          "verify.timeoutSeconds must be positive, not " + options.timeoutSeconds(),
          "leave it out for the default of 300 s");
    }
    // The console socket's path must fit sockaddr_un (108 bytes), which a path in the store may
    // not: the socket and the firmware variables go to a short directory of their own.
    Path machine = Files.createTempDirectory("debforge-qemu-");
    BootReport report;
    try {
      QemuOptions qemu = qemuOptions(arch, firmware, disk, format, machine, context::progress);
      long started = System.nanoTime();
      BootVerifier verifier =
          new BootVerifier(
              launchers.apply(context),
              context::progress,
              () -> context.progress(
                  String.format(Locale.ROOT, "still running after %.0f s",
                      (System.nanoTime() - started) / 1e9)));
      report =
          verifier.verify(
              qemu, credentials, options.commands(), timeout,
              context.output().resolve(CONSOLE_LOG));
    } finally {
      Trees.delete(machine);
    }
    return new StageOutput(facts(report, options.commands()));
  }

  /**
   * The QEMU machine for booting a disk: the accelerator this host really can use, and for UEFI
   * a writable copy of the firmware's variables in {@code scratch}.
   */
  public static QemuOptions qemuOptions(
      Architecture arch,
      Firmware firmware,
      Path disk,
      String format,
      Path scratch,
      java.util.function.Consumer<String> progress)
      throws IOException {
    Accelerator.Detection accel = Accelerator.detection(arch.debianName());
    progress.accept("booting " + disk.getFileName() + " with " + firmware.name().toLowerCase(
        Locale.ROOT) + " on " + accel.accelerator().qemuName() + " (" + accel.reason() + ")");
    QemuOptions qemu =
        QemuOptions.of(
            arch, firmware, disk, format, accel.accelerator(), scratch.resolve("console.sock"));
    if (firmware == Firmware.UEFI) {
      qemu = qemu.withUefiFiles(
          QemuCommand.firmwareCode(arch), QemuCommand.copyVars(arch, scratch));
    }
    return qemu;
  }

  static Map<String, String> facts(BootReport report, List<String> commands) {
    Map<String, String> facts = new TreeMap<>();
    facts.put("login", report.reachedLogin() ? "yes" : "no");
    facts.put("secondsToLogin", String.format(Locale.ROOT, "%.1f", report.secondsToLogin()));
    facts.put("firmware", report.firmware());
    facts.put("accelerator", report.accelerator());
    facts.put("prompt", report.loginPrompt());
    for (int i = 0; i < commands.size(); i++) {
      String output = report.commandOutputs().getOrDefault(commands.get(i), "");
      facts.put("cmd." + (i + 1), bounded(output.strip()));
      Integer exit = report.commandExitCodes().get(commands.get(i));
      facts.put("cmd." + (i + 1) + ".exit", exit == null ? "" : exit.toString());
    }
    return facts;
  }

  static String bounded(String text) {
    return text.length() <= FACT_LIMIT ? text : text.substring(0, FACT_LIMIT - 1) + "…";
  }

  public static Firmware firmware(String value) throws BadInputException {
    if (value == null) {
      return Firmware.UEFI;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "uefi" -> Firmware.UEFI;
      case "bios" -> Firmware.BIOS;
      default -> throw new BadInputException(
          "verify.firmware '" + value + "' is not a firmware", "use uefi or bios");
    };
  }

  static Credentials credentials(VerifyOptions options) throws BadInputException {
    if ((options.user() == null) != (options.password() == null)) {
      throw new BadInputException(
          "verify needs both user and password, or neither",
          "set both to log in, or drop both to stop at the login prompt");
    }
    if (options.user() == null) {
      if (!options.commands().isEmpty()) {
        throw new BadInputException(
            "verify.commands need a user to log in as", "set verify.user and verify.password");
      }
      return null;
    }
    return new Credentials(options.user(), options.password());
  }

  static Path diskFile(Path directory, String name) throws BadInputException, IOException {
    if (name != null) {
      Path disk = directory.resolve(name).normalize();
      if (!disk.startsWith(directory) || !Files.isRegularFile(disk)) {
        throw new BadInputException(
            "verify.diskFile '" + name + "' is not a file of the disk input",
            "name one of the files the disk or convert step wrote");
      }
      return disk;
    }
    try (Stream<Path> files = Files.list(directory)) {
      List<Path> found = files.filter(Files::isRegularFile).sorted().toList();
      if (found.size() != 1) {
        throw new BadInputException(
            "the disk input holds " + found.size() + " files "
                + found.stream().map(p -> p.getFileName().toString()).toList()
                + ", so verify cannot tell which to boot",
            "set verify.diskFile");
      }
      return found.get(0);
    }
  }

  /** The disk formats qemu is asked to read, as its {@code format=} names them. */
  public static final List<String> FORMATS =
      List.of("raw", "qcow2", "vmdk", "vpc", "vhdx", "vdi", QemuCommand.CDROM);

  /**
   * The qemu format named by {@code --format} ({@code vhd} is qemu's {@code vpc}).
   *
   * @throws BadInputException when qemu has no such disk format here
   */
  public static String format(String name) throws BadInputException {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals("vhd")) {
      return "vpc";
    }
    if (!FORMATS.contains(lower)) {
      throw new BadInputException(
          "--format " + UserText.quote(name) + " is not a disk format verify reads",
          "use one of " + String.join(", ", FORMATS) + " (vhd is vpc; iso boots as a CD), or"
              + " leave --format out"
              + " to tell the format from the file's name");
    }
    return lower;
  }

  /**
   * A disk image attached after the boot disk, its format told by its name as the boot disk's
   * is. An {@code .iso} is attached as a plain disk: only the boot disk boots as a CD.
   */
  public static QemuOptions.Drive extraDrive(Path file) {
    String format = formatOf(file);
    return new QemuOptions.Drive(file, format.equals(QemuCommand.CDROM) ? "raw" : format);
  }

  public static String formatOf(Path disk) {
    String name = disk.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".qcow2")) {
      return "qcow2";
    } else if (name.endsWith(".vmdk")) {
      return "vmdk";
    } else if (name.endsWith(".vhd") || name.endsWith(".vpc")) {
      return "vpc";
    } else if (name.endsWith(".vhdx")) {
      return "vhdx";
    } else if (name.endsWith(".vdi")) {
      return "vdi";
    } else if (name.endsWith(".iso")) {
      return QemuCommand.CDROM;
    }
    return "raw";
  }
}
