package dev.debforge.iso;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The ISO's boot loaders: GRUB images made with {@code grub-mkimage} from the live system's own
 * module directories ({@code grub-pc-bin}, {@code grub-efi-*-bin}, which the live step keeps
 * under {@code grub/}), so the host needs only grub-common. Both read {@code /boot/grub/grub.cfg}
 * from the ISO.
 */
final class Grub {

  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  /** Modules both images carry: reading the ISO, its partition tables, Linux, the consoles. */
  static final List<String> MODULES = List.of(
      "iso9660", "part_gpt", "part_msdos", "fat", "normal", "configfile", "linux", "search",
      "search_fs_file", "echo", "test", "serial", "terminal", "all_video", "gfxterm", "sleep");

  private Grub() {}

  /** The firmwares an ISO for the architecture boots with. */
  static List<String> firmwares(String architecture) {
    return architecture.equals("amd64") ? List.of("bios", "uefi") : List.of("uefi");
  }

  /** GRUB's module directories the ISO's boot images are made from. */
  static List<String> platforms(String architecture) {
    return architecture.equals("amd64")
        ? List.of("i386-pc", efiPlatform(architecture))
        : List.of(efiPlatform(architecture));
  }

  /** The UEFI GRUB platform and the removable-media file name firmware looks for. */
  static String efiPlatform(String architecture) {
    return architecture.equals("amd64") ? "x86_64-efi" : "arm64-efi";
  }

  static String efiFileName(String architecture) {
    return architecture.equals("amd64") ? "BOOTX64.EFI" : "BOOTAA64.EFI";
  }

  /** The BIOS core image that SeaBIOS and others load from the El Torito catalog. */
  static ToolCall biosCore(Path grub, Path output) {
    List<String> argv = new ArrayList<>(List.of(
        "grub-mkimage", "-d", grub.resolve("i386-pc").toString(), "-O", "i386-pc",
        "-p", "/boot/grub", "-o", output.toString(), "biosdisk"));
    argv.addAll(MODULES);
    return ToolCall.of(argv, TIMEOUT);
  }

  /**
   * The UEFI image, with a configuration built in that finds the medium by its marker file,
   * on a CD and on a USB stick alike, and reads the ISO's configuration from there.
   */
  static ToolCall efi(Path grub, String architecture, Path embedded, Path output) {
    String platform = efiPlatform(architecture);
    List<String> argv = new ArrayList<>(List.of(
        "grub-mkimage", "-d", grub.resolve(platform).toString(), "-O",
        platform, "-p", "/boot/grub", "-c", embedded.toString(), "-o", output.toString()));
    argv.addAll(MODULES);
    if (architecture.equals("amd64")) {
      argv.add("efi_gop");
      argv.add("efi_uga");
    } else {
      argv.add("efi_gop");
    }
    return ToolCall.of(argv, TIMEOUT);
  }

  /** The configuration the UEFI image carries. */
  static String embeddedConfig(String marker) {
    return String.join("\n",
        "search --no-floppy --file --set=root " + marker,
        "set prefix=($root)/boot/grub",
        "configfile $prefix/grub.cfg",
        "");
  }

  /**
   * The ISO's menu: the live system on the serial console and the screen, with the kernel's
   * console last so that its messages and the login prompt reach the serial port. With an
   * unattended disk, the first entry installs onto it and powers off, and the live system
   * without an install is the second.
   */
  static String menu(String architecture, String unattended) {
    String serial = architecture.equals("amd64") ? "ttyS0,115200" : "ttyAMA0,115200";
    String kernel = "  linux /live/vmlinuz boot=live components console=tty0 console=" + serial;
    List<String> lines = new ArrayList<>(List.of(
        "serial --unit=0 --speed=115200",
        "terminal_input console serial",
        "terminal_output console serial",
        "set timeout=3"));
    if (unattended != null) {
      lines.addAll(List.of(
          "menuentry 'Install onto " + unattended + " (erases it), then power off' {",
          kernel + " debforge.install=" + unattended,
          "  initrd /live/initrd.img",
          "}"));
    }
    lines.addAll(List.of(
        "menuentry 'Debian live: debforge installer' {",
        kernel,
        "  initrd /live/initrd.img",
        "}",
        ""));
    return String.join("\n", lines);
  }
}
