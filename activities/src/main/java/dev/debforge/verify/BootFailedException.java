package dev.debforge.verify;

/**
 * A boot that did not reach the login prompt, or a login that failed. It is a failed build, not
 * bad input: the message carries the console's last lines and a {@code Hint:}.
 */
public class BootFailedException extends Exception {

  private static final long serialVersionUID = 1L;
  private final transient BootReport report;

  public BootFailedException(String message, BootReport report) {
    super(message);
    this.report = report;
  }

  /** What the boot showed before it failed. */
  public BootReport report() {
    return report;
  }
}
