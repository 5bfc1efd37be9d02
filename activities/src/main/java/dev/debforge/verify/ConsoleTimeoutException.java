package dev.debforge.verify;

import java.io.IOException;
import java.time.Duration;

/** The console did not show what was expected in time, or closed before it did. */
public class ConsoleTimeoutException extends IOException {

  private static final long serialVersionUID = 1L;
  private final boolean closed;

  public ConsoleTimeoutException(String pattern, Duration timeout, boolean closed) {
    super(
        closed
            ? "the serial console closed before /" + pattern + "/ appeared"
            : "/" + pattern + "/ did not appear on the serial console within "
                + timeout.toSeconds() + " s");
    this.closed = closed;
  }

  /** True when the console closed (qemu exited) rather than time running out. */
  public boolean consoleClosed() {
    return closed;
  }
}
