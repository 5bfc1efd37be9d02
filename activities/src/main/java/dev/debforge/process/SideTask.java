package dev.debforge.process;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Work a step runs on a thread of its own beside its own work (a copy while it writes a table, a
 * hash while cp copies), so that two processors share it. {@link #get} gives its result, or throws
 * what it threw; {@link #close} stops it if it still runs (a tool it runs is killed) and waits for
 * its thread, so that it never goes on writing into a scratch directory the step's runtime removes
 * next.
 */
public final class SideTask<T> implements AutoCloseable {
  private final FutureTask<T> task;
  private final Thread thread;

  private SideTask(String name, Callable<T> work) {
    this.task = new FutureTask<>(work);
    this.thread = new Thread(task, name);
    thread.setDaemon(true);
  }

  /** Starts {@code work} on a new daemon thread called {@code name}. */
  public static <T> SideTask<T> start(String name, Callable<T> work) {
    SideTask<T> side = new SideTask<>(name, work);
    side.thread.start();
    return side;
  }

  /** Waits for the work; its own exception is thrown as it was, not wrapped. */
  public T get() throws Exception {
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Interrupts the work if it has not ended, and waits for its thread, even when the calling
   * thread is interrupted meanwhile (its interrupt is kept for later): the step's own cleanup, in
   * a finally after this, must not be skipped by a cancelled activity.
   */
  @Override
  public void close() {
    if (!task.isDone()) {
      thread.interrupt();
    }
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
