package dev.debforge.iso;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code iso} stage's options: the recipe's {@code plugins: {iso: …}} section with its
 * defaults applied. Unknown keys are refused by debforge when it reads them into this record.
 *
 * @param suite the live system's Debian suite
 * @param mirror the Debian mirror the live system is installed from
 * @param packages packages added to the live system's own
 * @param unattended the disk the ISO installs onto without questions when it boots (its menu's
 *     first entry then has {@code debforge.install=DISK}), or null for a menu that starts the
 *     live system and installs nothing until asked
 * @param installer the sha256 of the install script the ISO carries, set by debforge so that a
 *     changed script makes a new ISO; not a user's option
 */
public record IsoOptions(String suite, String mirror, List<String> packages, String unattended,
    String installer) {

  static final String SUITE = "bookworm";
  static final String MIRROR = "http://deb.debian.org/debian";

  public IsoOptions {
    packages = packages == null ? List.of() : List.copyOf(packages);
    if (unattended != null && !unattended.matches("/dev/[A-Za-z0-9/_.-]+")) {
      throw new IllegalArgumentException("unattended: '" + unattended + "' is not a disk's device"
          + " path, such as /dev/vda or /dev/disk/by-id/ata-X");
    }
  }

  /** The plugin's options with a default for each key that is missing. */
  static Map<String, Object> withDefaults(Map<String, Object> given) {
    Map<String, Object> options = new LinkedHashMap<>(given);
    options.putIfAbsent("suite", SUITE);
    options.putIfAbsent("mirror", MIRROR);
    options.putIfAbsent("packages", List.of());
    options.put("installer", Installer.SHA256);
    return options;
  }
}
