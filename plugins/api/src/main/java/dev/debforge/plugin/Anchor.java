package dev.debforge.plugin;

import java.util.Locale;

/**
 * A named point of the pipeline where a {@link PipelineContribution} inserts its stage. The stage
 * reads the output of the step before the anchor under {@link #role()} and writes the same kind of
 * output, which the steps after the anchor then read instead: a root file system, a sysroot, a
 * disk.
 */
public enum Anchor {
  /** compose and run: after the packages are installed, before users, files and services. */
  AFTER_PACKAGES("tree"),
  /** compose and run: the finished root file system, kernel and initramfs in, before its commit. */
  BEFORE_COMMIT("tree"),
  /** build and run: the deployed sysroot, before the bootloader is installed. */
  AFTER_DEPLOY("sysroot"),
  /** build and run: the raw disk ({@code disk.raw}), before it is verified and converted. */
  AFTER_DISK("disk");

  private final String role;

  Anchor(String role) {
    this.role = role;
  }

  /** The input role the stage reads, and the kind of output it must leave. */
  public String role() {
    return role;
  }

  /** The anchor's name in docs and listings: {@code after-packages}, … */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
