package dev.debforge.activity;

import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.ToolException;
import io.temporal.failure.ApplicationFailure;
import java.util.List;

/**
 * The one place that turns exceptions into Temporal failures, and lists which failure types no
 * retry can fix.
 */
public final class Failures {

  /** Bad input: a broken recipe, an image that breaks the contract. Never retried. */
  public static final String BAD_INPUT = "BadInput";

  /** An external tool failed; retried, since mirrors and disks have bad moments. */
  public static final String TOOL_FAILED = "ToolFailed";

  /**
   * A step's input is not in the store of the worker that got the step; retrying there cannot
   * help, so the workflow plans the build again on one host.
   */
  public static final String INPUT_MISSING = "InputMissing";

  /** A plugin's stage failed in a way the plugin did not foresee: retrying cannot help. */
  public static final String PLUGIN_FAILED = "PluginFailed";

  /** Failure types that the workflow's retry policy must not retry. */
  public static final List<String> NON_RETRYABLE = List.of(BAD_INPUT, INPUT_MISSING, PLUGIN_FAILED);

  private Failures() {}

  /** The Temporal failure that carries this exception to the workflow and the client. */
  public static RuntimeException toFailure(String where, Throwable e) {
    if (e instanceof ApplicationFailure failure) {
      return failure;
    }
    if (e instanceof BadInputException bad) {
      return ApplicationFailure.newNonRetryableFailure(bad.getMessage(), BAD_INPUT);
    }
    if (e instanceof PluginFailedException plugin) {
      return ApplicationFailure.newNonRetryableFailure(plugin.getMessage(), PLUGIN_FAILED);
    }
    if (e instanceof InputMissingException missing) {
      return ApplicationFailure.newNonRetryableFailure(missing.getMessage(), INPUT_MISSING);
    }
    if (e instanceof ToolException tool) {
      return ApplicationFailure.newFailure(where + ": " + tool.getMessage(), TOOL_FAILED);
    }
    if (e instanceof RuntimeException runtime) {
      return runtime;
    }
    return ApplicationFailure.newFailureWithCause(
        where + ": " + e.getMessage(), e.getClass().getSimpleName(), e);
  }
}
