package dev.debforge.activity;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.debforge.oci.LayerReadException;
import dev.debforge.oci.MalformedData;
import dev.debforge.oci.OciException;
import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.ToolException;
import dev.debforge.recipe.InvalidRecipeValueException;
import dev.debforge.recipe.RecipeException;
import dev.debforge.verify.BootFailedException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place that decides what kind of failure an exception is, and so whether the workflow
 * tries the step again: every activity turns what it throws into a Temporal failure here, and
 * the workflow's retry decision reads {@link #NON_RETRYABLE}.
 *
 * <table>
 *   <caption>Kinds</caption>
 *   <tr><th>type</th><th>from</th><th>retried</th><th>CLI exit</th></tr>
 *   <tr><td>{@value #BAD_INPUT}</td><td>{@link BadInputException}, {@link OciException}, a
 *       layer whose data is malformed (truncated gzip or tar, corrupt compression), recipe and
 *       option-mapping errors</td><td>no</td><td>2</td></tr>
 *   <tr><td>{@value #INPUT_MISSING}</td><td>{@link InputMissingException}</td><td>no: the
 *       workflow moves the build</td><td>1</td></tr>
 *   <tr><td>{@value #BOOT_FAILED}</td><td>a disk that does not boot for a reason of its own
 *       (kernel panic, emergency mode, no bootable device, login refused)</td><td>no</td>
 *       <td>1</td></tr>
 *   <tr><td>{@value #TOOL_FAILED}</td><td>{@link ToolException}, a boot that ran out of time or
 *       whose qemu stopped early</td><td>yes</td><td>1</td></tr>
 *   <tr><td>{@value #IO_FAILED}</td><td>{@link IOException} (a full disk, a file that went
 *       away)</td><td>yes</td><td>1</td></tr>
 *   <tr><td>{@value #INTERRUPTED}</td><td>{@link InterruptedException}: the worker is stopping
 *       </td><td>yes</td><td>1</td></tr>
 *   <tr><td>{@value #PLUGIN_FAILED}</td><td>{@link PluginFailedException}: a plugin's stage
 *       threw something unchecked</td><td>no</td><td>1</td></tr>
 *   <tr><td>{@value #BUG}</td><td>anything else: {@link NullPointerException}, {@link
 *       IllegalStateException}, {@link ClassCastException}, {@link IllegalArgumentException},
 *       {@link LinkageError}, …</td><td>no</td><td>1</td></tr>
 * </table>
 *
 * <p>A boot that stops on its own (a panic, an emergency shell) is the disk's fault: the same
 * disk does it again. A boot that only ran out of time, or whose qemu stopped before the
 * firmware printed anything, depends on the machine (its load, its firmware files), so it is
 * tried again like a tool. Temporal's own failures, such as a cancellation seen by the
 * heartbeat, pass through unchanged.
 */
public final class Failures {

  /** Bad input: a broken recipe, an image that breaks the contract. Never retried; exit 2. */
  public static final String BAD_INPUT = "BadInput";

  /** An external tool failed; retried, since mirrors and disks have bad moments. */
  public static final String TOOL_FAILED = "ToolFailed";

  /** Reading or writing a file failed (a full disk, a file that went away); retried. */
  public static final String IO_FAILED = "IoFailed";

  /** The step's thread was interrupted while the worker stops; retried, elsewhere if need be. */
  public static final String INTERRUPTED = "Interrupted";

  /** A disk that was built does not boot, for a reason the disk itself gives. Never retried. */
  public static final String BOOT_FAILED = "BootFailed";

  /**
   * A step's input is not in the store of the worker that got the step; retrying there cannot
   * help, so the workflow plans the build again on one host.
   */
  public static final String INPUT_MISSING = "InputMissing";

  /** A defect in debforge itself: a retry runs the same code on the same input. Never retried. */
  public static final String BUG = "Bug";

  /**
   * A plugin's stage threw something unchecked: a defect of the plugin, named in the message.
   * Never retried.
   */
  public static final String PLUGIN_FAILED = "PluginFailed";

  /** Failure types that the workflow's retry policy must not retry. */
  public static final List<String> NON_RETRYABLE =
      List.of(BAD_INPUT, INPUT_MISSING, BOOT_FAILED, BUG, PLUGIN_FAILED);

  private Failures() {}

  /**
   * The Temporal failure that carries this exception to the workflow and the client.
   *
   * @param where the activity that failed, such as {@code stage extract} or {@code plan}; named
   *     in the messages of failures that are not the input's
   */
  public static RuntimeException toFailure(String where, Throwable e) {
    Throwable cause = unwrap(e);
    if (cause instanceof ApplicationFailure
        || cause instanceof TemporalFailure
        || cause instanceof ActivityCompletionException) {
      return (RuntimeException) cause;
    }
    if (cause instanceof BadInputException bad) {
      return nonRetryable(bad.getMessage(), BAD_INPUT);
    }
    if (cause instanceof PluginFailedException plugin) {
      return nonRetryable(plugin.getMessage(), PLUGIN_FAILED);
    }
    if (cause instanceof OciException oci) {
      return nonRetryable(oci.getMessage(), BAD_INPUT);
    }
    if (cause instanceof RecipeException recipe) {
      return nonRetryable(recipe.getMessage(), BAD_INPUT);
    }
    if (cause instanceof InvalidRecipeValueException invalid) {
      return nonRetryable(
          where + ": " + (invalid.path().isEmpty() ? "" : invalid.path() + ": ") + invalid.problem()
              + (invalid.hint() == null ? "" : "\nHint: " + invalid.hint()),
          BAD_INPUT);
    }
    if (cause instanceof JsonProcessingException json) {
      return nonRetryable(
          where + ": invalid options or metadata: " + json.getOriginalMessage()
              + "\nHint: check the values given for this step (recipe, --config, command-line"
              + " options)",
          BAD_INPUT);
    }
    if (cause instanceof LayerReadException layer && layer.malformation() != null) {
      return nonRetryable(
          "layer " + layer.digest() + " is " + layer.malformation()
              + "\nHint: the image is damaged; copy or build it again", BAD_INPUT);
    }
    String malformed = MalformedData.problem(cause);
    if (malformed != null) {
      return nonRetryable(
          where + ": the input is " + malformed + " (" + cause.getMessage() + ")"
              + "\nHint: the file is damaged; make or copy it again",
          BAD_INPUT);
    }
    if (cause instanceof InputMissingException missing) {
      return nonRetryable(missing.getMessage(), INPUT_MISSING);
    }
    if (cause instanceof BootFailedException boot) {
      return boot.diskAtFault()
          ? nonRetryable(where + ": " + boot.getMessage(), BOOT_FAILED)
          : ApplicationFailure.newFailure(where + ": " + boot.getMessage(), TOOL_FAILED);
    }
    if (cause instanceof ToolException tool) {
      return ApplicationFailure.newFailure(where + ": " + tool.getMessage(), TOOL_FAILED);
    }
    if (cause instanceof IOException io) {
      return ApplicationFailure.newFailure(where + ": " + describe(io), IO_FAILED);
    }
    if (cause instanceof InterruptedException) {
      return ApplicationFailure.newFailure(
          where + ": interrupted while the worker stops; the step runs again", INTERRUPTED);
    }
    return nonRetryable(bug(where, cause), BUG);
  }

  /** The message of a {@link #BUG}: what went wrong where, and that it is debforge's defect. */
  static String bug(String where, Throwable e) {
    StringBuilder text =
        new StringBuilder("debforge defect in ")
            .append(where)
            .append(": ")
            .append(e.getClass().getName());
    if (e.getMessage() != null) {
      text.append(": ").append(e.getMessage());
    }
    StackTraceElement[] frames = e.getStackTrace();
    if (frames.length > 0) {
      text.append("\n  thrown at ").append(frames[0]);
    }
    text.append(
        "\nHint: this is a bug in debforge, not a problem with your input, and running the"
            + " build again would only repeat it; please report it to the debforge maintainers"
            + " with this message, the command you ran and the step's log (debforge logs"
            + " BUILD-ID)");
    return text.toString();
  }

  /** An I/O error in words: the JDK's messages for file errors are often a bare path. */
  public static String describe(IOException e) {
    if (e instanceof NoSuchFileException missing) {
      return "no such file: " + missing.getFile();
    }
    if (e instanceof AccessDeniedException denied) {
      return "permission denied: " + denied.getFile();
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      String text = fs.getFile() + ": " + fs.getReason();
      if (fs.getReason().contains("No space left")) {
        text += "\nHint: free space where the store is (or use --store on a larger disk)";
      }
      return text;
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static ApplicationFailure nonRetryable(String message, String type) {
    return ApplicationFailure.newNonRetryableFailure(message, type);
  }

  /** The exception a wrapper stands for: an unchecked I/O error's, a future's. */
  private static Throwable unwrap(Throwable e) {
    Throwable current = e;
    while ((current instanceof UncheckedIOException
            || current instanceof CompletionException
            || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
