package dev.debforge.verify;

/**
 * A boot that did not reach the login prompt, or a login that failed. It is a failed build, not
 * bad input: the message carries the console's last lines and a {@code Hint:}. {@link
 * #diskAtFault()} tells a boot the disk stopped (a kernel panic, an emergency shell, a refused
 * login: the same disk does it again) from one that ran out of time or whose qemu stopped,
 * which the machine may cause and which is worth another try.
 */
public class BootFailedException extends Exception {

  private static final long serialVersionUID = 1L;
  private final transient BootReport report;
  private final boolean diskAtFault;

  public BootFailedException(String message, BootReport report, boolean diskAtFault) {
    super(message);
    this.report = report;
    this.diskAtFault = diskAtFault;
  }

  /** Whether the disk itself stopped the boot, so that booting it again cannot help. */
  public boolean diskAtFault() {
    return diskAtFault;
  }

  /** What the boot showed before it failed. */
  public BootReport report() {
    return report;
  }
}
