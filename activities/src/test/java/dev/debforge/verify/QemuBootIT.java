package dev.debforge.verify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.boot.Firmware;
import dev.debforge.disk.Architecture;
import dev.debforge.plugin.ToolException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the real qemu-system-x86_64 under TCG with SeaBIOS and an empty disk, and reads its
 * serial console through the socket: SeaBIOS's banner, then {@code No bootable device}. This
 * proves the command line, the socket console and the process handling with the real tool. It
 * fails, not skips, when qemu is missing.
 */
class QemuBootIT {

  @TempDir Path dir;

  @Test
  void seaBiosReportsAnEmptyDiskOnTheSerialSocket() throws Exception {
    Path disk = dir.resolve("empty.raw");
    try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
      file.setLength(1024 * 1024);
    }
    QemuOptions options =
        QemuOptions.of(
                Architecture.AMD64, Firmware.BIOS, disk, "raw", Accelerator.TCG,
                dir.resolve("console.sock"))
            .withMachine(128, 1);
    ProcessLauncher launcher = ProcessLauncher.host(line -> System.err.println(line));
    try (ProcessLauncher.Running qemu = launcher.start(QemuCommand.argv(options));
        SerialConsole console =
            SerialConsole.connect(
                options.serialSocket(), Duration.ofSeconds(20), qemu::isAlive,
                dir.resolve("console.log"))) {
      console.expect("SeaBIOS", Duration.ofSeconds(60));
      console.expect("No bootable device", Duration.ofSeconds(60));
    }
    assertTrue(Files.readString(dir.resolve("console.log")).contains("SeaBIOS (version"));
  }

  @Test
  void theVerifierFailsFastWithAHintOnAnEmptyDisk() throws Exception {
    Path disk = dir.resolve("empty.raw");
    try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
      file.setLength(1024 * 1024);
    }
    QemuOptions options =
        QemuOptions.of(
                Architecture.AMD64, Firmware.BIOS, disk, "raw", Accelerator.TCG,
                dir.resolve("console.sock"))
            .withMachine(128, 1);
    try {
      new BootVerifier(ProcessLauncher.host(System.err::println), m -> {}, () -> {})
          .verify(options, null, List.of(), Duration.ofSeconds(120), dir.resolve("console.log"));
      throw new AssertionError("an empty disk booted");
    } catch (BootFailedException e) {
      assertTrue(e.getMessage().startsWith("the firmware found no bootable device"));
      assertTrue(e.getMessage().contains("SeaBIOS (version"), e.getMessage());
      assertTrue(e.getMessage().contains("Hint: "));
    } catch (ToolException e) {
      throw new AssertionError("qemu-system-x86_64 must be installed for this test", e);
    }
  }
}
