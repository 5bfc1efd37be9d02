package dev.debforge.cli;

import dev.debforge.activity.PlanActivitiesImpl;
import dev.debforge.activity.StageRuntime;
import dev.debforge.engine.EmbeddedEngine;
import dev.debforge.store.Store;
import dev.debforge.store.StoreBudget;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The engine a command talks to: a Temporal service given with {@code --temporal}, or an
 * embedded one with a worker in this process.
 */
final class BuildSession implements AutoCloseable {

  private final WorkflowClient client;
  private final AutoCloseable closer;
  private final ConsoleEvents events;

  private BuildSession(WorkflowClient client, AutoCloseable closer, ConsoleEvents events) {
    this.client = client;
    this.closer = closer;
    this.events = events;
  }

  /** A session whose embedded worker, if any, builds for these architectures. */
  static BuildSession open(GlobalOptions options, List<String> architectures, PrintWriter err) {
    if (options.temporal != null) {
      Builds.Connection connection = Builds.connect(options);
      return new BuildSession(connection.client(), connection, null);
    }
    ConsoleEvents events = new ConsoleEvents(err, !options.quiet(), options.verbose, false);
    StageRuntime runtime = runtime(options, events);
    EmbeddedEngine engine =
        EmbeddedEngine.start(
            architectures, runtime, new PlanActivitiesImpl(runtime.registry(), runtime.store()));
    return new BuildSession(engine.client(), engine, events);
  }

  /**
   * The in-process worker's console events, which the command following a build holds back
   * until it has announced each step; null when the worker runs elsewhere.
   */
  ConsoleEvents events() {
    return events;
  }

  /**
   * The stages of a standalone worker, on the store of --store, reporting progress (and with -v
   * the tools' lines) and each failed step on standard error.
   */
  static StageRuntime workerRuntime(GlobalOptions options, PrintWriter err) {
    return runtime(options, new ConsoleEvents(err, !options.quiet(), options.verbose, true));
  }

  /**
   * debforge's stages and the plugins' on the store of --store, after removing what killed builds left in it
   * (a worker, or the in-process worker of a build, is about to write there).
   */
  private static StageRuntime runtime(GlobalOptions options, ConsoleEvents events) {
    Store store = options.openStore();
    StoreBudget budget = options.storeBudget(store);
    try {
      store.removeStale();
    } catch (IOException e) {
      // A store whose tmp/ cannot be cleaned cannot be written either: say so before building.
      throw new UncheckedIOException(
          "cannot remove stale pending objects in " + store.root().resolve("tmp") + ": " + e
              + "\nHint: check the store's owner and free space, or pass another --store", e);
    }
    return new StageRuntime(store, options.plugins.extensions(events.err()), events, budget);
  }

  WorkflowClient client() {
    return client;
  }

  @Override
  public void close() throws Exception {
    closer.close();
  }
}
