package dev.debforge.extension;

import java.nio.file.Path;

/**
 * Where a stage, output type or contribution comes from: a plugin, with the version that loaded,
 * and the jar, zip or directory it came from.
 */
public record Origin(String pluginId, String version, Path path) {

  /** {@code id@version}, as builds record the plugins they need. */
  public String spec() {
    return pluginId + "@" + version;
  }

  /** For messages: {@code plugin hello 1.0.0 (/srv/plugins/hello-1.0.0.jar)}. */
  @Override
  public String toString() {
    return "plugin " + pluginId + " " + version + " (" + path + ")";
  }
}
