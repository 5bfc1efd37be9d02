package dev.debforge.activity;

import dev.debforge.extension.Origin;

/**
 * A plugin's stage threw something that is neither bad input nor a failed tool: a defect of the
 * plugin, which no retry fixes. The build fails at once with the plugin named, and the worker
 * goes on serving other builds.
 */
public final class PluginFailedException extends Exception {

  private static final long serialVersionUID = 1L;

  public PluginFailedException(Origin plugin, String stage, Throwable cause) {
    super("the stage " + stage + " of " + plugin + " failed: " + cause.getClass().getName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
        + "\nHint: this is a defect of the plugin; report it to its provider, or remove it from"
        + " the build's plugins", cause);
  }

  /**
   * Whether a plugin stage's exception is a defect of the plugin: anything unchecked. What it
   * declares (bad input, a failed tool, an I/O error) is classified as debforge's own stages'.
   */
  static boolean unexpected(Throwable e) {
    return e instanceof RuntimeException || e instanceof Error;
  }
}
