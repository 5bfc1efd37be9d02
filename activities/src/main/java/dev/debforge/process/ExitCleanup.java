package dev.debforge.process;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What debforge undoes when it is stopped by SIGINT or SIGTERM (or exits normally with work
 * still open): first every process it started, with their children, is killed, so nothing
 * writes any more; then the registered actions run, such as removing a half-written store
 * object or a temporary directory. One shutdown hook does both, in that order, because the JVM
 * runs separate hooks concurrently.
 *
 * <p>A SIGKILL runs no hook: the tools then die by {@link DeathSignal}, and the files left behind
 * are removed by the next start, which can tell them dead ({@code OwnedDir.removeStale}).
 */
public final class ExitCleanup {

  private static final Set<Action> ACTIONS = new LinkedHashSet<>();
  private static boolean installed;

  private ExitCleanup() {}

  /** Something to undo at exit. */
  public interface Action {
    void run() throws Exception;
  }

  /** A registered action; {@link #close()} withdraws it once the work ended normally. */
  public static final class Registration implements AutoCloseable {
    private final Action action;

    private Registration(Action action) {
      this.action = action;
    }

    @Override
    public void close() {
      synchronized (ACTIONS) {
        ACTIONS.remove(action);
      }
    }
  }

  /** Runs the action at exit unless the registration is closed first. */
  public static Registration atExit(Action action) {
    synchronized (ACTIONS) {
      if (!installed) {
        try {
          Runtime.getRuntime()
              .addShutdownHook(new Thread(ExitCleanup::run, "debforge-exit-cleanup"));
          installed = true;
        } catch (IllegalStateException exiting) {
          // Already exiting without the hook: the next start removes what is left.
        }
      }
      ACTIONS.add(action);
    }
    return new Registration(action);
  }

  /** Kills this process's descendants, then runs the pending actions, last registered first. */
  static void run() {
    killDescendants();
    List<Action> pending;
    synchronized (ACTIONS) {
      pending = new ArrayList<>(ACTIONS);
      ACTIONS.clear();
    }
    for (int i = pending.size() - 1; i >= 0; i--) {
      try {
        pending.get(i).run();
      } catch (Exception e) {
        // Exiting: what could not be removed is removed as stale by the next start.
        System.err.println("debforge: cleanup at exit failed: " + e.getMessage());
      }
    }
  }

  /** Kills every process this one started, and theirs, and waits a little for them to end. */
  public static void killDescendants() {
    List<ProcessHandle> all = ProcessHandle.current().descendants().toList();
    all.forEach(ProcessHandle::destroyForcibly);
    long deadline = System.nanoTime() + 5_000_000_000L;
    try {
      for (ProcessHandle process : all) {
        long left = Math.max(1, deadline - System.nanoTime());
        process.onExit().get(left, TimeUnit.NANOSECONDS);
      }
    } catch (TimeoutException | ExecutionException e) {
      // One did not end in time; exiting goes on, and the death signal ends it with us.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
