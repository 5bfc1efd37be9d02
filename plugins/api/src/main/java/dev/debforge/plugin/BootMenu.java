package dev.debforge.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The boot menu generator every debforge disk carries, for a plugin that installs a system
 * itself (the installer ISO) and wants its installs to follow updates as debforge's disks do.
 *
 * <p>Debian's GRUB reads no Boot Loader Specification entries, so the menu is written out from
 * ostree's entries. On a disk, {@value #PATH} is a shell script (POSIX sh, awk, GNU sort) that
 * ostree runs on every deployment change of the booted system: the repository has {@code
 * sysroot.bootloader=grub2}, {@code OSTREE_GRUB2_EXEC} names the script ({@link #ENVIRONMENT},
 * set for services by the files of {@link #etcFiles} and for login sessions in {@code
 * /etc/environment}), and ostree calls it as {@code SCRIPT -o /boot/loader.N/grub.cfg} with the
 * new entries in {@code /boot/loader.N/entries}. {@code /boot/grub/grub.cfg} is a link to {@code
 * ../loader/grub.cfg}, so GRUB follows ostree's atomic swap of the {@code loader} link. Without
 * the variable ostree 2022.7 falls back to Debian's {@code grub-mkconfig}, whose menu is not this
 * one. The script's settings are in {@value #SETTINGS_PATH} ({@link #settings}). /boot must be
 * its own file system.
 *
 * @since 1.3.0
 */
public final class BootMenu {

  /** The script's file name in /boot/grub. */
  public static final String SCRIPT = "debforge-grub-menu";

  /** Where the script is on an installed system. */
  public static final String PATH = "/boot/grub/" + SCRIPT;

  /** Where its settings are on an installed system. */
  public static final String SETTINGS_PATH = "/boot/grub/debforge-grub-menu.conf";

  /** The variable that makes ostree run the script, as {@code NAME=VALUE}. */
  public static final String ENVIRONMENT = "OSTREE_GRUB2_EXEC=" + PATH;

  /** The drop-in that sets it for the service finalizing staged deployments, under /etc. */
  public static final String FINALIZE_DROP_IN =
      "/etc/systemd/system/ostree-finalize-staged.service.d/debforge-grub-menu.conf";

  /** The drop-in that sets it for every service of the system manager, under /etc. */
  public static final String MANAGER_DROP_IN =
      "/etc/systemd/system.conf.d/debforge-grub-menu.conf";

  private static final Pattern UUID = Pattern.compile("[0-9A-Fa-f-]+");

  private BootMenu() {}

  /** The script's text. */
  public static String script() {
    try (InputStream in = BootMenu.class.getResourceAsStream(SCRIPT)) {
      if (in == null) {
        throw new IllegalStateException("the resource " + SCRIPT + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The script's settings: the /boot file system's UUID, which every entry searches for, how
   * long the menu waits, and whether GRUB also uses the first serial port.
   */
  public static String settings(String bootUuid, int timeoutSeconds, boolean serialConsole) {
    if (bootUuid == null || !UUID.matcher(bootUuid).matches()) {
      throw new IllegalArgumentException("not a file system UUID: '" + bootUuid + "'");
    }
    if (timeoutSeconds < 0) {
      throw new IllegalArgumentException("the menu timeout cannot be negative");
    }
    return "# Written by debforge when it built this disk; read by " + SCRIPT + ".\n"
        + "BOOT_UUID=" + bootUuid + "\n"
        + "TIMEOUT=" + timeoutSeconds + "\n"
        + "SERIAL=" + (serialConsole ? 1 : 0) + "\n";
  }

  /** The text of {@link #FINALIZE_DROP_IN}. */
  public static String finalizeDropIn() {
    return "# Written by debforge: ostree regenerates GRUB's menu with debforge's script.\n"
        + "[Service]\n"
        + "Environment=" + ENVIRONMENT + "\n";
  }

  /**
   * The files an installed system's /etc gets, by their paths under /etc: {@link
   * #FINALIZE_DROP_IN} and {@link #MANAGER_DROP_IN} (so that a timer or {@code systemd-run}
   * running ostree has the variable too). New files, so that the image's own stay the image's.
   * Login sessions need {@link #ENVIRONMENT} in {@code /etc/environment} besides.
   */
  public static Map<String, String> etcFiles() {
    Map<String, String> files = new TreeMap<>();
    files.put(FINALIZE_DROP_IN.substring("/etc/".length()), finalizeDropIn());
    files.put(MANAGER_DROP_IN.substring("/etc/".length()),
        "# Written by debforge: ostree regenerates GRUB's menu with debforge's script.\n"
            + "[Manager]\n"
            + "DefaultEnvironment=" + ENVIRONMENT + "\n");
    return files;
  }
}
