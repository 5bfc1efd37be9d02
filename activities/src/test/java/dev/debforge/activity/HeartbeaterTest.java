package dev.debforge.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class HeartbeaterTest {

  private final List<Object> beats = new CopyOnWriteArrayList<>();
  private volatile boolean cancelled;

  private ActivityExecutionContext context() {
    return (ActivityExecutionContext)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {ActivityExecutionContext.class},
            (proxy, method, args) -> {
              if (method.getName().equals("heartbeat")) {
                if (cancelled) {
                  throw new ActivityCanceledException();
                }
                beats.add(args[0]);
                return null;
              }
              // The heartbeater's whole use of the context is heartbeat(); anything else is a bug.
              throw new AssertionError("the heartbeater called " + method.getName());
            });
  }

  @Test
  void heartbeatsWithTheLatestProgressWhileTheStepIsQuiet() throws Exception {
    try (Heartbeater heartbeater = Heartbeater.start(context(), Duration.ofMillis(20))) {
      heartbeater.progress("committing");
      // On a loaded machine beats come late, not never: wait for three, up to a deadline.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (beats.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
    assertTrue(beats.size() >= 3, beats.toString());
    assertEquals("committing", beats.get(beats.size() - 1));
  }

  @Test
  void aCancelledBuildInterruptsTheStepAndCheckThrows() throws Exception {
    Heartbeater heartbeater = Heartbeater.start(context(), Duration.ofMillis(20));
    cancelled = true;
    assertThrows(InterruptedException.class, () -> Thread.sleep(5_000));
    assertThrows(ActivityCanceledException.class, heartbeater::check);
    assertThrows(ActivityCanceledException.class, () -> heartbeater.progress("more"));
    heartbeater.close();
    assertFalse(Thread.currentThread().isInterrupted(), "no interrupt leaks past close");
  }
}
