package dev.debforge.cli;

import dev.debforge.store.Store;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every build command takes. */
final class GlobalOptions {

  static final String DEFAULT_TEMPORAL = "localhost:7233";

  enum Progress {
    auto,
    plain,
    quiet
  }

  @Option(
      names = "--temporal",
      paramLabel = "HOST:PORT",
      description = "A Temporal service to use; without it an embedded engine runs in-process.")
  String temporal;

  @Option(names = "--json", description = "Print one result object on standard output.")
  boolean json;

  @Option(
      names = "--progress",
      defaultValue = "auto",
      description = "auto, plain or quiet (default: ${DEFAULT-VALUE}). Progress goes to stderr.")
  Progress progress;

  @Option(
      names = {"-v", "--verbose"},
      description = "Also print every line the build's tools print.")
  boolean verbose;

  @Option(
      names = "--store",
      paramLabel = "DIR",
      description =
          "The build store (default: $DEBFORGE_STORE, else /var/lib/debforge/store for root).")
  Path store;

  @Mixin PluginDirectories plugins = new PluginDirectories();

  boolean quiet() {
    return progress == Progress.quiet;
  }

  /** The store named by --store, else the default one. */
  Store openStore() {
    return new Store(store != null ? store : Store.defaultRoot());
  }

  /**
   * The Temporal service of the commands that always need one (worker and the queue commands):
   * --temporal, else $DEBFORGE_TEMPORAL, else localhost:7233.
   */
  String temporalTarget() {
    return temporal != null
        ? temporal
        : System.getenv().getOrDefault("DEBFORGE_TEMPORAL", DEFAULT_TEMPORAL);
  }
}
