package dev.debforge.verify;

import dev.debforge.process.DeathSignal;
import dev.debforge.process.ExitCleanup;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How qemu runs the guest's CPU: with the host's KVM or with TCG, qemu's own translator.
 *
 * <p>{@link #detect()} picks KVM only when it can really run the guest, because a {@code /dev/kvm}
 * that exists and opens is not enough. On debforge's build machines {@code /dev/kvm} is a nested
 * paravirtual KVM ({@code kvm_pvm}): SeaBIOS runs under it, but OVMF stops at once with
 * {@code KVM internal error. Suberror: 1}, Debian's kernel hangs, and {@code -cpu host} can abort
 * on an MSR it cannot set. The decision, in order:
 *
 * <ol>
 *   <li>the environment variable {@code DEBFORGE_ACCEL} ({@code kvm} or {@code tcg}) wins;
 *   <li>a guest of another architecture than the host's gets TCG;
 *   <li>no {@code /dev/kvm}, or one this user cannot open read/write, gives TCG;
 *   <li>a loaded {@code kvm_pvm} module ({@code /sys/module/kvm_pvm}) gives TCG without a probe;
 *   <li>otherwise a probe starts {@code qemu-system-x86_64 -accel kvm -cpu host} with OVMF and no
 *       disk, and takes KVM only if OVMF's boot manager ({@code BdsDxe}) or shell prints on the
 *       serial port within {@link #PROBE_SECONDS} seconds. On a working KVM that takes under two
 *       seconds; under {@code kvm_pvm} the internal error comes within 0.2 s. OVMF is the probe's
 *       firmware because SeaBIOS runs even where a real guest does not.
 * </ol>
 *
 * <p>The result is cached for the JVM: the host does not change while a worker runs.
 */
public enum Accelerator {
  /** The host's KVM: {@code -accel kvm -cpu host}. */
  KVM("kvm"),
  /** qemu's translator on all host threads: {@code -accel tcg,thread=multi -cpu max}. */
  TCG("tcg");

  /** The environment variable that overrides detection. */
  public static final String OVERRIDE_VARIABLE = "DEBFORGE_ACCEL";

  static final int PROBE_SECONDS = 15;
  static final Path KVM_DEVICE = Path.of("/dev/kvm");
  static final Path KVM_PVM_MODULE = Path.of("/sys/module/kvm_pvm");

  private static volatile Detection cached;

  private final String name;

  Accelerator(String name) {
    this.name = name;
  }

  /** The name qemu and the facts use: {@code kvm} or {@code tcg}. */
  public String qemuName() {
    return name;
  }

  /** What the host can run an amd64 guest with; see the class comment for how it is decided. */
  public static Accelerator detect() {
    return detectFor("amd64");
  }

  /** What the host can run a guest of this Debian architecture with. */
  public static Accelerator detectFor(String guestArchitecture) {
    return detection(guestArchitecture).accelerator();
  }

  /** The accelerator with the reason it was chosen, for logs and the verify stage's facts. */
  public static Detection detection(String guestArchitecture) {
    Accelerator forced = fromOverride(System.getenv(OVERRIDE_VARIABLE));
    if (forced != null) {
      return new Detection(forced, OVERRIDE_VARIABLE + "=" + forced.qemuName());
    }
    if (!guestArchitecture.equals(hostArchitecture())) {
      return new Detection(TCG, "the guest (" + guestArchitecture + ") is not the host's architecture");
    }
    Detection result = cached;
    if (result == null) {
      synchronized (Accelerator.class) {
        if (cached == null) {
          cached = probeHost();
        }
        result = cached;
      }
    }
    return result;
  }

  /**
   * Reads the value of {@code DEBFORGE_ACCEL}: {@code null} or blank means "detect".
   *
   * @throws IllegalArgumentException for anything but {@code kvm} or {@code tcg}
   */
  public static Accelerator fromOverride(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "kvm" -> KVM;
      case "tcg" -> TCG;
      default -> throw new IllegalArgumentException(
          OVERRIDE_VARIABLE + "='" + value + "' is not an accelerator"
              + "\nHint: set it to kvm or tcg, or unset it to let debforge probe the host");
    };
  }

  /** Why an accelerator was chosen. */
  public record Detection(Accelerator accelerator, String reason) {}

  static String hostArchitecture() {
    String arch = System.getProperty("os.arch", "");
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }

  private static Detection probeHost() {
    if (!Files.exists(KVM_DEVICE)) {
      return new Detection(TCG, "/dev/kvm does not exist");
    }
    try (RandomAccessFile device = new RandomAccessFile(KVM_DEVICE.toFile(), "rw")) {
      // Opening is the check; nothing is read or written.
    } catch (IOException e) {
      return new Detection(TCG, "/dev/kvm cannot be opened read/write: " + e.getMessage());
    }
    if (Files.isDirectory(KVM_PVM_MODULE)) {
      return new Detection(TCG, "/dev/kvm is kvm_pvm, which cannot run OVMF or Debian's kernel");
    }
    if (!"amd64".equals(hostArchitecture())) {
      // No probe firmware is known to be installed for other hosts; trust a KVM that opens.
      return new Detection(KVM, "/dev/kvm opens read/write");
    }
    return probeWithOvmf();
  }

  /** Starts OVMF under KVM and waits for its boot manager on the serial port. */
  static Detection probeWithOvmf() {
    Path code = QemuCommand.OVMF_CODE;
    if (!Files.isRegularFile(code)) {
      return new Detection(TCG, "KVM was not probed: " + code + " is missing (install ovmf)");
    }
    if (!DeathSignal.canExecute("qemu-system-x86_64")) {
      return new Detection(TCG, "KVM was not probed: qemu-system-x86_64 is not installed");
    }
    Path vars = null;
    Process process = null;
    ExitCleanup.Registration atExit = null;
    try {
      vars = Files.createTempFile("debforge-kvm-probe-", ".fd");
      Path copy = vars;
      atExit = ExitCleanup.atExit(() -> Files.deleteIfExists(copy));
      Files.copy(QemuCommand.OVMF_VARS, vars, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      List<String> argv =
          List.of(
              "qemu-system-x86_64", "-accel", "kvm", "-cpu", "host",
              "-machine", "q35,graphics=off", "-nodefaults", "-display", "none",
              "-m", "128", "-smp", "1", "-no-reboot", "-nic", "none",
              "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + code,
              "-drive", "if=pflash,format=raw,unit=1,file=" + vars,
              "-serial", "stdio");
      // Started and waited for on this thread, so the death signal fires only if debforge dies.
      process =
          new ProcessBuilder(DeathSignal.wrap(argv))
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      String seen = readUntil(process, PROBE_SECONDS);
      if (seen.contains("BdsDxe") || seen.contains("UEFI Interactive Shell")) {
        return new Detection(KVM, "OVMF boots under KVM");
      }
      String why = seen.contains("KVM internal error") ? "KVM internal error" : "no OVMF output";
      return new Detection(TCG, "KVM probe failed (" + why + ")");
    } catch (IOException e) {
      return new Detection(TCG, "KVM probe could not run: " + e.getMessage());
    } finally {
      if (process != null) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
      if (vars != null) {
        try {
          Files.deleteIfExists(vars);
        } catch (IOException ignored) {
          // A leftover temporary copy of the OVMF variables harms nothing.
        }
      }
      if (atExit != null) {
        atExit.close();
      }
    }
  }

  /** Reads the probe's output until OVMF answers, KVM fails, qemu exits or time runs out. */
  private static String readUntil(Process process, int seconds) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    StringBuilder seen = new StringBuilder();
    byte[] buffer = new byte[4096];
    InputStream out = process.getInputStream();
    while (System.nanoTime() < deadline) {
      int available = out.available();
      if (available > 0) {
        int n = out.read(buffer, 0, Math.min(available, buffer.length));
        seen.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        String text = seen.toString();
        if (text.contains("BdsDxe") || text.contains("UEFI Interactive Shell")
            || text.contains("KVM internal error")) {
          return text;
        }
      } else if (!process.isAlive()) {
        seen.append(new String(out.readAllBytes(), StandardCharsets.ISO_8859_1));
        return seen.toString();
      } else {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return seen.toString();
        }
      }
    }
    return seen.toString();
  }
}
