package dev.debforge.stage.hook;

import dev.debforge.stage.hook.ChildProtocol.Request;
import dev.debforge.stage.hook.ChildProtocol.Result;
import dev.debforge.stage.hook.ChildProtocol.ScriptError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;

/**
 * The hook's child JVM: {@code java -Xmx… -cp … dev.debforge.stage.hook.HookMain REQUEST RESULT}.
 * It runs one script in the {@link Sandbox} against the image tree, prints the log to standard
 * output and writes what the script asked for, or why it failed, to the result file. It exits 0
 * when the script finished and {@value ChildProtocol#EXIT_SCRIPT_ERROR} when it failed; the parent
 * kills it at the deadline and its heap cap ends it with
 * {@value ChildProtocol#EXIT_OUT_OF_MEMORY}.
 */
public final class HookMain {

  private HookMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: HookMain REQUEST.json RESULT.json");
      System.exit(64);
    }
    Request request = ChildProtocol.JSON.readValue(Path.of(args[0]).toFile(), Request.class);
    PrintStream log = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Result result = run(request, log::println);
    ChildProtocol.JSON.writeValue(Path.of(args[1]).toFile(), result);
    log.flush();
    System.exit(result.error() == null ? 0 : ChildProtocol.EXIT_SCRIPT_ERROR);
  }

  /** Runs the request's script; every API call and every line the script prints is logged. */
  static Result run(Request request, Consumer<String> log) throws IOException {
    HookOptions options = request.options();
    HookLanguage language = options.lang();
    boolean recipeScript = ChildProtocol.RECIPE.equals(request.kind());
    HookApi api = null;
    Object exported;
    if (recipeScript) {
      exported = new RecipeScriptApi(request.arch(), log);
    } else {
      Object recipe =
          ReadOnlyView.of(ChildProtocol.JSON.readValue(options.recipeJson(), Map.class));
      api = new HookApi(new ImageTree(Path.of(request.root())), request.arch(), options.suite(),
          options.at(), recipe, log);
      exported = api;
    }
    OutputStream out = new LineOutput(log);
    Source source =
        Source.newBuilder(language.graalId(), options.source(), options.sourceName()).build();
    String recipeJson = null;
    try (Engine engine = Sandbox.engine(language, out);
        Context context = Sandbox.context(engine, language, options.statements(), out)) {
      Value bindings = context.getBindings(language.graalId());
      bindings.putMember("api", exported);
      Value value = context.eval(source);
      if (recipeScript) {
        // A Python module evaluates to the module itself, so only JavaScript's value counts.
        boolean returned = language == HookLanguage.JAVASCRIPT && value != null
            && value.hasMembers() && !value.canExecute();
        Value recipe = returned ? value : bindings.getMember("recipe");
        if (recipe == null || recipe.isNull()) {
          return new Result(HookRequests.NONE, new ScriptError("error",
              "the script gave no recipe: end a JavaScript recipe with the recipe object, or set"
                  + " a global named recipe", options.sourceName(), List.of()), null);
        }
        recipeJson = ChildProtocol.JSON.writerWithDefaultPrettyPrinter()
            .writeValueAsString(GuestValues.toJava(recipe));
      }
    } catch (PolyglotException e) {
      return new Result(HookRequests.NONE, describe(e, options.sourceName()), null);
    } catch (IllegalArgumentException e) {
      // A context that refuses the sandbox's settings fails here, before any script ran; a
      // recipe value that is no plain data fails in GuestValues.
      return new Result(HookRequests.NONE,
          new ScriptError(recipeScript ? "error" : "sandbox", e.getMessage(),
              options.sourceName(), List.of()), null);
    } finally {
      out.flush();
    }
    return new Result(recipeScript ? HookRequests.NONE : api.requests(), null, recipeJson);
  }

  static ScriptError describe(PolyglotException e, String sourceName) {
    List<String> stack = new ArrayList<>();
    // The line to name is the script's own, even when the error surfaced in the language's
    // library (a Python module, say) that the script called.
    String location = null;
    String firstGuest = null;
    for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
      if (!frame.isGuestFrame()) {
        continue;
      }
      SourceSection section = frame.getSourceLocation();
      String where =
          section == null
              ? "unknown location"
              : section.getSource().getName() + ":" + section.getStartLine();
      if (firstGuest == null && section != null) {
        firstGuest = where;
      }
      if (location == null && section != null
          && section.getSource().getName().equals(sourceName)) {
        location = where;
      }
      stack.add("at " + frame.getRootName() + " (" + where + ")");
    }
    if (location == null) {
      location = firstGuest;
    }
    if (location == null && e.getSourceLocation() != null) {
      SourceSection section = e.getSourceLocation();
      location = section.getSource().getName() + ":" + section.getStartLine();
    }
    String kind;
    if (e.isResourceExhausted() || e.isCancelled()) {
      kind = "statement-limit";
    } else if (e.isSyntaxError()) {
      kind = "syntax";
    } else {
      kind = "error";
    }
    String message = e.getMessage();
    if (e.isHostException() && e.asHostException() != null) {
      message = e.asHostException().getMessage();
    }
    return new ScriptError(kind, message == null ? e.toString() : message,
        location == null ? sourceName : location, stack);
  }

  /** Turns the script's own output (print, console.log) into log lines. */
  static final class LineOutput extends OutputStream {
    private final Consumer<String> log;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineOutput(Consumer<String> log) {
      this.log = log;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        flushLine();
      } else if (line.size() < 64 * 1024) {
        line.write(b);
      }
    }

    @Override
    public synchronized void flush() {
      if (line.size() > 0) {
        flushLine();
      }
    }

    private void flushLine() {
      log.accept(line.toString(StandardCharsets.UTF_8));
      line.reset();
    }
  }
}
