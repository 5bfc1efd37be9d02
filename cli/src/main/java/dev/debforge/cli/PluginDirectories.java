package dev.debforge.cli;

import dev.debforge.activity.BuiltinStages;
import dev.debforge.extension.Extensions;
import dev.debforge.extension.PluginLoader;
import dev.debforge.extension.PluginReport;
import dev.debforge.stage.hook.HookStage;
import java.io.File;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where plugins come from: {@code --plugins DIR} (repeatable), then {@code $DEBFORGE_PLUGINS}
 * (directories separated by ':'), then the directory {@code plugins} beside the debforge jar,
 * where the bundled plugins are.
 */
final class PluginDirectories {

  @Option(
      names = "--plugins",
      paramLabel = "DIR",
      description = "A directory of plugin jars, zips or directories (repeatable); also "
          + "$DEBFORGE_PLUGINS and the plugins directory beside debforge.")
  List<Path> given = new ArrayList<>();

  private Extensions loaded;

  /** The directories to load from, in order, each once. */
  List<Path> directories() {
    LinkedHashSet<Path> dirs = new LinkedHashSet<>();
    for (Path dir : given) {
      if (!Files.isDirectory(dir)) {
        throw new UserError("--plugins " + dir + ": not a directory"
            + "\nHint: give a directory that holds plugin jars");
      }
      dirs.add(dir.toAbsolutePath().normalize());
    }
    String env = System.getenv("DEBFORGE_PLUGINS");
    if (env != null) {
      for (String part : env.split(File.pathSeparator)) {
        if (!part.isBlank()) {
          dirs.add(Path.of(part.strip()).toAbsolutePath().normalize());
        }
      }
    }
    Path bundled = bundled();
    if (bundled != null) {
      dirs.add(bundled);
    }
    return List.copyOf(dirs);
  }

  /** The {@code plugins} directory beside the jar debforge runs from, or null when unknown. */
  static Path bundled() {
    try {
      Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return jar.getParent() == null ? null : jar.getParent().resolve("plugins");
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  /**
   * debforge's stages and output types (with the hook stage, which lives in its own module so
   * that activities do not depend on GraalVM) and every plugin's, loaded once per command.
   * Plugins that did not start are reported once on {@code err}, when it is given.
   */
  Extensions extensions(PrintWriter err) {
    if (loaded == null) {
      loaded = BuiltinStages.registry().add(new HookStage());
      PluginLoader.load(directories(), loaded);
      if (err != null) {
        for (PluginReport report : loaded.plugins()) {
          if (report.state().equals(PluginReport.FAILED)) {
            err.println("warning: plugin " + report.summary());
          }
        }
        err.flush();
      }
    }
    return loaded;
  }
}
