package dev.debforge.stage.hook;

import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.plugin.ToolRunner;
import dev.debforge.stage.hook.ChildProtocol.Request;
import dev.debforge.stage.hook.ChildProtocol.Result;
import dev.debforge.stage.hook.ChildProtocol.ScriptError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one hook in a child JVM through the process runner and turns what happened into requests
 * or a {@link BadInputException}: a script error with its file, line and stack, the deadline, or
 * the heap cap.
 *
 * <p>The child is the running JVM's own {@code java} with the same class path, a heap cap of its
 * own ({@code -Xmx}, ended by {@code -XX:+ExitOnOutOfMemoryError}) and the call's timeout as its
 * wall-clock deadline, after which the runner kills its process tree.
 */
final class HookProcess {

  private HookProcess() {}

  /** The child's command line. */
  static List<String> argv(HookOptions options, Path cache, Path request, Path result) {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.add("-Xmx" + options.heap() + "m");
    argv.add("-XX:+ExitOnOutOfMemoryError");
    argv.add("-XX:+UseSerialGC");
    argv.add("-XX:TieredStopAtLevel=1");
    argv.add("-Xss4m");
    if (Runtime.version().feature() >= 23) {
      argv.add("--sun-misc-unsafe-memory-access=allow");
      argv.add("--enable-native-access=ALL-UNNAMED");
    }
    argv.add("-Dpolyglot.engine.WarnInterpreterOnly=false");
    argv.add("-Dpolyglotimpl.AttachLibraryFailureAction=ignore");
    // GraalVM unpacks its languages' files under ~/.cache; a shared cache keeps them between
    // builds and out of the home directory of whoever runs the worker.
    argv.add("-Duser.home=" + cache);
    argv.add("-cp");
    argv.add(System.getProperty("java.class.path"));
    argv.add(HookMain.class.getName());
    argv.add(request.toString());
    argv.add(result.toString());
    return argv;
  }

  /**
   * Runs the hook against {@code root}; returns what it asked the parent to apply.
   *
   * @param scratch a directory for the request and result files
   * @param cache a directory kept between runs, for GraalVM's unpacked language files
   */
  static HookRequests run(ToolRunner tools, HookOptions options, Path root, String arch,
      Path scratch, Path cache) throws BadInputException, IOException, ToolException {
    return child(tools, options, new Request(options, root.toAbsolutePath().toString(), arch,
        ChildProtocol.HOOK), scratch, cache).requests();
  }

  /** Runs a scripted recipe for one architecture; returns the recipe it gave, as JSON. */
  static String runRecipe(ToolRunner tools, HookOptions options, String arch, Path scratch,
      Path cache) throws BadInputException, IOException, ToolException {
    Request request = new Request(options, scratch.toAbsolutePath().toString(), arch,
        ChildProtocol.RECIPE);
    return child(tools, options, request, scratch, cache).recipe();
  }

  private static Result child(ToolRunner tools, HookOptions options, Request what, Path scratch,
      Path cache) throws BadInputException, IOException, ToolException {
    Path request = scratch.resolve("hook-request.json");
    Path result = scratch.resolve("hook-result.json");
    Files.deleteIfExists(result);
    ChildProtocol.JSON.writeValue(request.toFile(), what);
    // The deadline covers the child's start too (JavaScript about 2 s, Python 5 to 9 s).
    Duration deadline = options.timeout();
    try {
      tools.run(ToolCall.of(argv(options, cache, request, result), deadline));
    } catch (ToolException e) {
      throw classify(e, options, what, result, deadline);
    }
    Result outcome = read(result, options);
    if (outcome.error() != null) {
      throw scriptError(options, what, outcome.error());
    }
    return outcome;
  }

  /** The bad input a failed child stands for; a failure of another kind is rethrown. */
  private static BadInputException classify(ToolException e, HookOptions options, Request what,
      Path result, Duration deadline) throws IOException, ToolException {
    String hook = label(options, what) + " (" + options.sourceName() + ")";
    switch (e.kind()) {
      case TIMED_OUT:
        return new BadInputException(
            hook + " did not finish within its deadline of " + deadline.toSeconds()
                + " s and was killed",
            "look for an endless loop or a wait in the script; a hook should take seconds");
      case EXIT_CODE:
        if (e.exitCode() == ChildProtocol.EXIT_SCRIPT_ERROR && Files.isRegularFile(result)) {
          return scriptError(options, what, read(result, options).error());
        }
        if (e.exitCode() == ChildProtocol.EXIT_OUT_OF_MEMORY || e.exitCode() == 137) {
          return new BadInputException(
              hook + " ran out of memory: its JVM's heap cap of " + options.heap()
                  + " MB was reached and it was stopped",
              "look for a loop that keeps allocating; a hook works on files, one at a time");
        }
        throw e;
      default:
        throw e;
    }
  }

  private static Result read(Path result, HookOptions options) throws IOException {
    if (!Files.isRegularFile(result)) {
      throw new IOException("hook " + options.name() + ": the child JVM ended without a result");
    }
    return ChildProtocol.JSON.readValue(result.toFile(), Result.class);
  }

  /** How messages name the script: {@code hook NAME}, or {@code recipe script}. */
  private static String label(HookOptions options, Request what) {
    return ChildProtocol.RECIPE.equals(what.kind()) ? "recipe script" : "hook " + options.name();
  }

  static BadInputException scriptError(HookOptions options, Request what, ScriptError error) {
    StringBuilder text = new StringBuilder();
    text.append(error.location()).append(": ").append(label(options, what)).append(" (")
        .append(options.language()).append(") ");
    String hint;
    switch (error.kind()) {
      case "statement-limit" -> {
        text.append("ran more than ").append(options.statements())
            .append(" statements and was stopped");
        hint = "look for an endless loop; a hook should do a bounded amount of work";
      }
      case "syntax" -> {
        text.append("has a syntax error: ").append(error.message());
        hint = "fix the script at that line";
      }
      case "sandbox" -> {
        text.append("could not start its sandbox: ").append(error.message());
        hint = "this is a debforge bug; report it with the message";
      }
      default -> {
        text.append("failed: ").append(error.message());
        hint = "fix the script at that line; the hook API is documented in docs/hooks.md";
      }
    }
    for (String frame : error.stack()) {
      text.append("\n    ").append(frame);
    }
    return new BadInputException(text.toString(), hint);
  }
}
