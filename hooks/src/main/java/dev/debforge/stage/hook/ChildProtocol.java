package dev.debforge.stage.hook;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;

/**
 * What the parent stage and the hook's child JVM tell each other, as JSON files: the child reads
 * a {@link Request} and writes a {@link Result}. Log lines go to the child's standard output,
 * which the process runner streams into the step's log.
 */
final class ChildProtocol {

  static final ObjectMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /** Exit code of a child whose script failed; the result file says how. */
  static final int EXIT_SCRIPT_ERROR = 2;

  /** Exit code of a JVM that ran out of heap, with {@code -XX:+ExitOnOutOfMemoryError}. */
  static final int EXIT_OUT_OF_MEMORY = 3;

  private ChildProtocol() {}

  /** A hook, run against a tree. */
  static final String HOOK = "hook";

  /** A scripted recipe, which returns the recipe and touches no tree. */
  static final String RECIPE = "recipe";

  /**
   * @param options the hook
   * @param root the host directory the API's {@code /} is
   * @param arch the image's architecture
   * @param kind {@link #HOOK} (also for null) or {@link #RECIPE}
   */
  record Request(HookOptions options, String root, String arch, String kind) {}

  /**
   * What the script asked for, or why it failed (then nothing is applied); a scripted recipe's
   * result is the recipe as JSON.
   */
  record Result(HookRequests requests, ScriptError error, String recipe) {}

  /**
   * A script that failed.
   *
   * @param kind {@code error} (the script raised or misused the API), {@code syntax}, {@code
   *     statement-limit}, {@code sandbox} (the context refused to start)
   * @param message the guest's message
   * @param location {@code FILE:LINE} of the failing statement, or null
   * @param stack the guest's stack trace, innermost first
   */
  record ScriptError(String kind, String message, String location, List<String> stack) {}
}
