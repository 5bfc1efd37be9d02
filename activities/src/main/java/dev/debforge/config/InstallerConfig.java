package dev.debforge.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@code --config} file's {@code customizations.installer} asks of an installer (the
 * {@code iso} type): the disk its unattended install erases and the installed system's settings.
 * The file's users come with it: the unattended install creates them.
 *
 * @param unattended the disk's device path, such as {@code /dev/vda}
 * @param hostname the installed system's host name, or null
 * @param locale its {@code LANG}, or null
 * @param keyboard its keyboard, {@code LAYOUT[:VARIANT]}, or null
 * @param timezone its time zone, such as {@code Europe/Berlin}, or null
 */
public record InstallerConfig(
    String unattended, String hostname, String locale, String keyboard, String timezone) {

  /**
   * The options an installer's stage gets, over those of its plugin's recipe section: this
   * section's settings and the users (name, password hash, groups, keys).
   */
  public Map<String, Object> options(List<ConfigUser> users) {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("unattended", unattended);
    putIfSet(options, "hostname", hostname);
    putIfSet(options, "locale", locale);
    putIfSet(options, "keyboard", keyboard);
    putIfSet(options, "timezone", timezone);
    if (!users.isEmpty()) {
      List<Map<String, Object>> list = new ArrayList<>();
      for (ConfigUser user : users) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", user.name());
        putIfSet(entry, "password", user.password());
        entry.put("groups", user.groups());
        entry.put("keys", user.keys());
        list.add(entry);
      }
      options.put("users", list);
    }
    return options;
  }

  private static void putIfSet(Map<String, Object> map, String key, String value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
