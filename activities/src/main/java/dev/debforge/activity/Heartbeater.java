package dev.debforge.activity;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.time.Duration;

/**
 * Keeps a running step's activity alive: a daemon thread heartbeats every few seconds with the
 * step's latest progress message, whether or not a tool is printing. A worker that dies stops
 * heartbeating, and Temporal gives the step to another worker after the heartbeat timeout.
 *
 * <p>When Temporal answers a heartbeat with a cancellation (the build was cancelled, or this
 * attempt timed out), the thread records it and interrupts the step's thread; {@link #check}
 * then throws it, so that the process runner kills the step's tools.
 */
final class Heartbeater implements AutoCloseable, Liveness {

  static final Duration INTERVAL = Duration.ofSeconds(5);

  private final ActivityExecutionContext context;
  private final Thread stepThread;
  private final Thread beater;
  private volatile String message = "starting";
  private volatile ActivityCompletionException stopped;

  private Heartbeater(ActivityExecutionContext context, Duration interval) {
    this.context = context;
    this.stepThread = Thread.currentThread();
    this.beater = new Thread(() -> beat(interval), "heartbeat-" + stepThread.getName());
    beater.setDaemon(true);
  }

  static Heartbeater start(ActivityExecutionContext context, Duration interval) {
    Heartbeater heartbeater = new Heartbeater(context, interval);
    heartbeater.beater.start();
    return heartbeater;
  }

  private void beat(Duration interval) {
    try {
      while (true) {
        context.heartbeat(message);
        Thread.sleep(interval.toMillis());
      }
    } catch (ActivityCompletionException e) {
      stopped = e;
      stepThread.interrupt();
    } catch (InterruptedException e) {
      // The step ended and closed the heartbeater.
    }
  }

  @Override
  public void progress(String message) {
    this.message = message;
    check();
  }

  @Override
  public void check() {
    ActivityCompletionException e = stopped;
    if (e != null) {
      throw e;
    }
  }

  @Override
  public void close() {
    beater.interrupt();
    // A cancellation that interrupted the step thread must not leak into the worker's thread.
    Thread.interrupted();
  }
}
