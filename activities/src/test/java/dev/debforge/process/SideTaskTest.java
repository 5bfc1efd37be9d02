package dev.debforge.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SideTaskTest {

  @Test
  void givesTheResult() throws Exception {
    try (SideTask<String> task = SideTask.start("test", () -> "done")) {
      assertEquals("done", task.get());
    }
  }

  @Test
  void throwsTheWorksOwnExceptionUnwrapped() throws Exception {
    IOException failure = new IOException("disk full");
    try (SideTask<String> task = SideTask.start("test", () -> { throw failure; })) {
      assertSame(failure, assertThrows(IOException.class, task::get));
    }
  }

  @Test
  void closeStopsWorkStillRunningAndWaitsForIt() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean ended = new AtomicBoolean();
    SideTask<Void> task =
        SideTask.start(
            "test",
            () -> {
              started.countDown();
              try {
                Thread.sleep(TimeUnit.MINUTES.toMillis(5));
              } finally {
                ended.set(true);
              }
              return null;
            });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    task.close();
    assertTrue(ended.get(), "close returned only once the work had ended");
  }

  @Test
  void anInterruptedCallerStillWaitsAndKeepsItsInterrupt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean ended = new AtomicBoolean();
    SideTask<Void> task =
        SideTask.start(
            "test",
            () -> {
              // Work that does not answer interrupts: close must wait for it all the same.
              while (true) {
                try {
                  release.await();
                  break;
                } catch (InterruptedException ignored) {
                  // carries on
                }
              }
              ended.set(true);
              return null;
            });
    Thread releaser = new Thread(() -> {
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        return;
      }
      release.countDown();
    });
    releaser.start();
    Thread.currentThread().interrupt();
    try {
      task.close();
      assertTrue(ended.get(), "close returned only once the work had ended");
      assertTrue(Thread.interrupted(), "the caller's interrupt is kept (and cleared here)");
    } finally {
      Thread.interrupted();
      releaser.join();
    }
  }
}
