package dev.debforge.activity;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
  private final CountDownLatch closed = new CountDownLatch(1);
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
      // Never interrupted: an interrupt in the middle of a heartbeat's call fails the call.
      do {
        context.heartbeat(message);
      } while (!closed.await(interval.toMillis(), TimeUnit.MILLISECONDS));
    } catch (ActivityCompletionException e) {
      stopped = e;
      synchronized (this) {
        // Once closed, the step thread runs other work: it must not be interrupted.
        if (closed.getCount() > 0) {
          stepThread.interrupt();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
    synchronized (this) {
      closed.countDown();
    }
    // A cancellation that interrupted the step thread must not leak into the worker's thread.
    Thread.interrupted();
  }
}
