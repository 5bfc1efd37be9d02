package dev.debforge.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The menu generator a disk carries for updates: {@code /boot/grub/debforge-grub-menu}, a POSIX
 * shell script that ostree runs on the booted system ({@code OSTREE_GRUB2_EXEC}) on every
 * deployment change, and writes the same menu as {@link GrubConfig#menu} from the new BLS
 * entries. Its settings (the /boot file system's UUID, the timeout, the serial console) are in
 * {@code /boot/grub/debforge-grub-menu.conf}, written when the disk is built.
 */
public final class GrubMenuScript {

  /** The script's name in /boot/grub. */
  public static final String NAME = "debforge-grub-menu";

  /** Its settings' name in /boot/grub. */
  public static final String CONF = "debforge-grub-menu.conf";

  /** Where the script is on the booted system, as {@code OSTREE_GRUB2_EXEC} names it. */
  public static final String PATH = "/boot/grub/" + NAME;

  private GrubMenuScript() {}

  /** The script's text. */
  public static String source() {
    try (InputStream in = GrubMenuScript.class.getResourceAsStream(NAME)) {
      if (in == null) {
        throw new IllegalStateException("the resource " + NAME + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The settings for a disk whose menu {@code config} writes. The script reads /boot's entries
   * relative to the /boot file system, so it serves a separate /boot only.
   */
  public static String conf(GrubConfig config) {
    if (!config.separateBoot()) {
      throw new IllegalArgumentException("the menu script serves a separate /boot file system");
    }
    return "# Written by debforge when it built this disk; read by " + NAME + ".\n"
        + "BOOT_UUID=" + config.bootFsUuid() + "\n"
        + "TIMEOUT=" + config.timeoutSeconds() + "\n"
        + "SERIAL=" + (config.serialConsole() ? 1 : 0) + "\n";
  }
}
