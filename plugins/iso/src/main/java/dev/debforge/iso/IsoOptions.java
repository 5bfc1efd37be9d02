package dev.debforge.iso;

import java.util.ArrayList;
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
 *     live system and Calamares, and installs nothing until asked
 * @param hostname the installed system's host name, for the unattended install
 * @param locale its {@code LANG}, such as {@code en_US.UTF-8}, for the unattended install
 * @param keyboard its keyboard, {@code LAYOUT[:VARIANT]}, for the unattended install
 * @param timezone its time zone, such as {@code Europe/Berlin}, for the unattended install
 * @param users users the unattended install creates (or changes, if the image has them)
 * @param installer the sha256 of the install script the ISO carries, set by debforge so that a
 *     changed script makes a new ISO; not a user's option
 */
public record IsoOptions(String suite, String mirror, List<String> packages, String unattended,
    String hostname, String locale, String keyboard, String timezone, List<User> users,
    String installer) {

  static final String SUITE = "bookworm";
  static final String MIRROR = "http://deb.debian.org/debian";

  /**
   * A user the unattended install creates.
   *
   * @param name the login name
   * @param fullname the full name, or null
   * @param password the password's crypt(3) hash ({@code openssl passwd -6}), or null for none
   * @param groups groups of the image the user joins
   * @param keys authorized SSH public keys
   */
  public record User(String name, String fullname, String password, List<String> groups,
      List<String> keys) {
    public User {
      if (name == null || !name.matches("[a-z_][a-z0-9_-]{0,31}")) {
        throw new IllegalArgumentException("users: '" + name + "' is not a user name");
      }
      if (password != null && !password.matches("\\$[0-9a-z]+(\\$[^$:\\s]*)+")) {
        throw new IllegalArgumentException("users: " + name + ": password is not a crypt(3)"
            + " hash; make one with openssl passwd -6 (the ISO carries it)");
      }
      groups = groups == null ? List.of() : List.copyOf(groups);
      keys = keys == null ? List.of() : List.copyOf(keys);
    }
  }

  public IsoOptions {
    packages = packages == null ? List.of() : List.copyOf(packages);
    users = users == null ? List.of() : List.copyOf(users);
    if (unattended != null && !unattended.matches("/dev/[A-Za-z0-9/_.-]+")) {
      throw new IllegalArgumentException("unattended: '" + unattended + "' is not a disk's device"
          + " path, such as /dev/vda or /dev/disk/by-id/ata-X");
    }
    if (hostname != null
        && !hostname.matches("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")) {
      throw new IllegalArgumentException("hostname: '" + hostname + "' is not a host name");
    }
    if (keyboard != null && !keyboard.matches("[a-z0-9_-]+(:[A-Za-z0-9_-]*)?")) {
      throw new IllegalArgumentException("keyboard: '" + keyboard + "' is not LAYOUT[:VARIANT],"
          + " such as de or us:intl");
    }
    if (unattended == null && (hostname != null || locale != null || keyboard != null
        || timezone != null || !users.isEmpty())) {
      throw new IllegalArgumentException("hostname, locale, keyboard, timezone and users are"
          + " for the unattended install: give unattended: DISK too (Calamares asks for them)");
    }
  }

  /**
   * The install script's options for the unattended install, one a line in the ISO's {@code
   * /debforge/install.args}; the disk comes from the kernel command line.
   */
  List<String> installArgs() {
    List<String> args = new ArrayList<>();
    addOption(args, "--hostname", hostname);
    addOption(args, "--locale", locale);
    addOption(args, "--keyboard", keyboard);
    addOption(args, "--timezone", timezone);
    for (User user : users) {
      addOption(args, "--user", user.name());
      addOption(args, "--fullname", user.fullname());
      addOption(args, "--password-hash", user.password());
      if (!user.groups().isEmpty()) {
        addOption(args, "--groups", String.join(",", user.groups()));
      }
      user.keys().forEach(key -> addOption(args, "--ssh-key", key));
    }
    for (String arg : args) {
      if (arg.contains("\n")) {
        throw new IllegalArgumentException("an installer setting has a line break: " + arg);
      }
    }
    return args;
  }

  private static void addOption(List<String> args, String option, String value) {
    if (value != null) {
      args.add(option);
      args.add(value);
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
