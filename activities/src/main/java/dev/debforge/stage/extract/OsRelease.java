package dev.debforge.stage.extract;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The image's {@code os-release}: {@code /usr/lib/os-release}, else {@code /etc/os-release}.
 * Neither is followed through a symlink, so an absolute link cannot make the host's file be
 * read in the image's name.
 */
final class OsRelease {

  private OsRelease() {}

  /** The variables of the image's os-release, or an empty map when it has none. */
  static Map<String, String> read(Path root) throws IOException {
    for (String candidate : new String[] {"usr/lib/os-release", "etc/os-release"}) {
      Path file = root.resolve(candidate);
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
      }
    }
    return Map.of();
  }

  /**
   * Parses os-release's shell-like assignments: {@code KEY=value}, {@code KEY="value"} with
   * backslash escapes, or {@code KEY='value'}; comments and malformed lines are skipped, as
   * os-release(5) asks of readers.
   */
  static Map<String, String> parse(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0 || !line.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
        continue;
      }
      String value = unquote(line.substring(eq + 1));
      if (value != null) {
        values.put(line.substring(0, eq), value);
      }
    }
    return values;
  }

  private static String unquote(String value) {
    if (value.isEmpty()) {
      return value;
    }
    char first = value.charAt(0);
    if (first == '\'') {
      return value.length() >= 2 && value.endsWith("'")
          ? value.substring(1, value.length() - 1)
          : null;
    }
    if (first != '"') {
      return value;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        return i == value.length() - 1 ? out.toString() : null;
      }
      if (c == '\\' && i + 1 < value.length()) {
        c = value.charAt(++i);
      }
      out.append(c);
    }
    return null;
  }
}
