package dev.debforge.boot;

import dev.debforge.disk.Architecture;
import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds GRUB's boot images with {@code grub-mkimage}: {@code BOOTX64.EFI}/{@code BOOTAA64.EFI}
 * for UEFI and {@code core.img} for BIOS. The module directory must be the image's own (the
 * modules and grub-mkimage must come from the same GRUB version), as bootupd takes its files from
 * the image.
 */
public final class GrubMkimage {

  public static final Duration TIMEOUT = Duration.ofMinutes(2);

  /** Built into every image: enough to find /boot by UUID, read ext4 or FAT and boot Linux. */
  public static final List<String> COMMON_MODULES =
      List.of(
          "part_gpt", "part_msdos", "ext2", "fat", "normal", "boot", "linux", "configfile",
          "search", "search_fs_uuid", "search_label", "echo", "test", "ls", "cat", "serial",
          "terminal", "gzio", "sleep", "reboot", "halt");

  /**
   * @param arch the architecture
   * @param firmware UEFI or BIOS (BIOS only on amd64)
   * @param moduleDir the GRUB platform directory, such as {@code /usr/lib/grub/x86_64-efi}
   * @param output the image to write
   * @param prefix the directory GRUB looks in for modules and grub.cfg, such as {@code /EFI/BOOT}
   *     or {@code /grub}
   * @param earlyConfig a config file to embed, or {@code null}
   */
  public record Options(
      Architecture arch,
      Firmware firmware,
      Path moduleDir,
      Path output,
      String prefix,
      Path earlyConfig) {
    public Options {
      Objects.requireNonNull(arch, "arch");
      Objects.requireNonNull(firmware, "firmware");
      Objects.requireNonNull(moduleDir, "moduleDir");
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(prefix, "prefix");
      format(arch, firmware);
    }
  }

  private GrubMkimage() {}

  /** The grub-mkimage {@code -O} format for an architecture and firmware. */
  public static String format(Architecture arch, Firmware firmware) {
    return switch (firmware) {
      case UEFI -> arch == Architecture.AMD64 ? "x86_64-efi" : "arm64-efi";
      case BIOS -> {
        if (arch != Architecture.AMD64) {
          throw new IllegalArgumentException(
              arch.debianName() + " has no BIOS boot\nHint: " + arch.debianName()
                  + " disks boot with UEFI only");
        }
        yield "i386-pc";
      }
    };
  }

  /** The modules built into the image for an architecture and firmware. */
  public static List<String> modules(Architecture arch, Firmware firmware) {
    List<String> modules = new ArrayList<>(COMMON_MODULES);
    if (firmware == Firmware.UEFI) {
      modules.add("efi_gop");
      // The UGA protocol predates GOP and exists only on x86 firmware.
      if (arch == Architecture.AMD64) {
        modules.add("efi_uga");
      }
      modules.add("all_video");
    } else {
      modules.add("biosdisk");
    }
    return List.copyOf(modules);
  }

  public static ToolCall call(Options o) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "grub-mkimage",
                "-O", format(o.arch(), o.firmware()),
                "-d", o.moduleDir().toString(),
                "-o", o.output().toString(),
                "-p", o.prefix()));
    if (o.earlyConfig() != null) {
      argv.add("-c");
      argv.add(o.earlyConfig().toString());
    }
    argv.addAll(modules(o.arch(), o.firmware()));
    return ToolCall.of(argv, TIMEOUT);
  }
}
