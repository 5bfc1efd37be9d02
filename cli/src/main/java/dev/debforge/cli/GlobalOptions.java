package dev.debforge.cli;

import dev.debforge.recipe.UserText;
import dev.debforge.store.Store;
import dev.debforge.store.StoreBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  @Option(
      names = "--store-max-size",
      paramLabel = "SIZE",
      description =
          "Keep the store's objects under SIZE (500M, 50G; default: $DEBFORGE_STORE_MAX_SIZE,"
              + " else no limit): after each new step output, objects go, least recently used"
              + " first and weighed by what they cost to make, but none a running build uses.")
  String storeMaxSize;

  @Mixin PluginDirectories plugins = new PluginDirectories();

  boolean quiet() {
    return progress == Progress.quiet;
  }

  /** The store named by --store, else the default one. */
  Store openStore() {
    if (store != null && Files.exists(store) && !Files.isDirectory(store)) {
      throw new UserError(
          "--store " + store.toAbsolutePath() + " is a file, not a directory"
              + "\nHint: give the store's directory (new or existing), or leave --store out for"
              + " the default");
    }
    return new Store(store != null ? store : Store.defaultRoot());
  }

  /**
   * The limit of --store-max-size, else of $DEBFORGE_STORE_MAX_SIZE; null when neither is set
   * (or the variable is empty).
   */
  StoreBudget storeBudget(Store opened) {
    if (storeMaxSize != null) {
      return new StoreBudget(opened, StoreCommand.size(storeMaxSize, "--store-max-size"));
    }
    String env = System.getenv("DEBFORGE_STORE_MAX_SIZE");
    if (env == null || env.isBlank()) {
      return null;
    }
    return new StoreBudget(opened, StoreCommand.size(env, "$DEBFORGE_STORE_MAX_SIZE"));
  }

  /**
   * The Temporal service of the commands that always need one (worker and the queue commands):
   * --temporal, else $DEBFORGE_TEMPORAL, else localhost:7233.
   */
  String temporalTarget() {
    if (temporal != null) {
      return checkedTarget(temporal, "--temporal");
    }
    String env = System.getenv("DEBFORGE_TEMPORAL");
    return env != null ? checkedTarget(env, "$DEBFORGE_TEMPORAL") : DEFAULT_TEMPORAL;
  }

  private static final Pattern TARGET =
      Pattern.compile("(?<host>[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+])"
          + ":(?<port>[0-9]{1,5})");

  /**
   * The address as it is, when it is HOST:PORT with a port from 1 to 65535.
   *
   * @param source where the address came from, for the message
   * @throws UserError naming the source and what is wrong
   */
  static String checkedTarget(String target, String source) {
    Matcher m = TARGET.matcher(target);
    String problem = null;
    if (!m.matches()) {
      problem = "is not HOST:PORT";
    } else if (Integer.parseInt(m.group("port")) < 1
        || Integer.parseInt(m.group("port")) > 65535) {
      problem = "has port " + m.group("port") + ", outside 1..65535";
    }
    if (problem != null) {
      throw new UserError(
          source + " " + UserText.quote(target) + " " + problem
              + "\nHint: give the Temporal service's address as HOST:PORT, e.g. localhost:7233"
              + " (debforge server's default port is 7233)");
    }
    return target;
  }
}
