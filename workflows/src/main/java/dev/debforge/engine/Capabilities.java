package dev.debforge.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * What a worker offers builds and what a build needs of its worker, as strings that cross the
 * workflow boundary: {@code type:ID} for an output type, {@code plugin:ID@VERSION} for a started
 * plugin. A need {@code plugin:ID} is met by any version of the plugin; {@code plugin:ID@VERSION}
 * (what a build that was planned once needs when it moves) only by that version.
 */
public final class Capabilities {

  private Capabilities() {}

  /** The needs that {@code offered} does not meet, in order. */
  public static List<String> unmet(List<String> needs, List<String> offered) {
    List<String> missing = new ArrayList<>();
    for (String need : needs) {
      if (!met(need, offered)) {
        missing.add(need);
      }
    }
    return missing;
  }

  private static boolean met(String need, List<String> offered) {
    if (offered.contains(need)) {
      return true;
    }
    return need.startsWith("plugin:") && !need.contains("@")
        && offered.stream().anyMatch(o -> o.startsWith(need + "@"));
  }

  /** The plugin needs of a plan's plugins ({@code id@version} each). */
  public static List<String> pinned(List<String> plugins) {
    return plugins.stream().map(p -> "plugin:" + p).toList();
  }

  /** For messages: {@code plugin:hello, type:iso} → {@code plugin hello, type iso}. */
  public static String describe(List<String> needs) {
    return String.join(", ", needs.stream().map(n -> n.replaceFirst(":", " ")).toList());
  }
}
