package dev.debforge.extension;

import java.nio.file.Path;
import java.util.List;

/**
 * What became of one plugin found in a plugin directory, as {@code debforge plugins} lists it.
 *
 * @param id the plugin id, or the file name when the descriptor could not be read
 * @param version its version, or null when unknown
 * @param provider who ships it, or null
 * @param requires the plugin API versions it works with ({@code Plugin-Requires}), or null
 * @param path the jar, zip or directory
 * @param state {@code started}, {@code disabled} or {@code failed}
 * @param reason why it is disabled or failed; null when started
 * @param stages the stage ids it adds
 * @param anchors its contributions, as {@code STAGE@ANCHOR}
 * @param outputTypes the {@code --type} values it adds
 */
public record PluginReport(
    String id,
    String version,
    String provider,
    String requires,
    Path path,
    String state,
    String reason,
    List<String> stages,
    List<String> anchors,
    List<String> outputTypes) {

  public static final String STARTED = "started";
  public static final String DISABLED = "disabled";
  public static final String FAILED = "failed";

  public PluginReport {
    stages = List.copyOf(stages);
    anchors = List.copyOf(anchors);
    outputTypes = List.copyOf(outputTypes);
  }

  public boolean started() {
    return STARTED.equals(state);
  }

  /** One line for logs: {@code hello 1.0.0 (/p/hello.jar): started} or {@code …: failed: why}. */
  public String summary() {
    String name = version == null ? id : id + " " + version;
    return name + " (" + path + "): " + state + (reason == null ? "" : ": " + reason);
  }
}
