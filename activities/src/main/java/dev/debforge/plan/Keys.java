package dev.debforge.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Store keys: the sha256 of everything that determines a step's output, so that the same inputs
 * find the same output and a changed option or input never does.
 */
public final class Keys {

  /**
   * Part of every key, so that a store's objects of an older format are never found: 2, objects
   * record the inputs they were made from ({@code Lineage}), which removals follow; objects of
   * format 1 did not, and a removal could leave one beside an input made again.
   */
  static final int STORE_FORMAT = 2;

  private Keys() {}

  /**
   * The key of a step.
   *
   * @param inputKeys role → the key of the input step's output
   */
  public static String of(
      String stage, int version, String architecture, String options, Map<String, String> inputKeys) {
    return of(stage, version, null, architecture, options, inputKeys);
  }

  /**
   * The key of a step whose stage may come from a plugin.
   *
   * @param plugin the plugin's {@code id@version}, or null for debforge's own stages; a new
   *     plugin version gives new keys to its steps
   */
  public static String of(
      String stage,
      int version,
      String plugin,
      String architecture,
      String options,
      Map<String, String> inputKeys) {
    StringBuilder text = new StringBuilder();
    text.append("format=").append(STORE_FORMAT).append('\n');
    text.append("stage=").append(stage).append('\n');
    text.append("version=").append(version).append('\n');
    if (plugin != null) {
      text.append("plugin=").append(plugin).append('\n');
    }
    text.append("arch=").append(architecture).append('\n');
    text.append("options=").append(options).append('\n');
    new TreeMap<>(inputKeys)
        .forEach((role, key) -> text.append("input.").append(role).append('=').append(key)
            .append('\n'));
    return sha256(text.toString());
  }

  public static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
