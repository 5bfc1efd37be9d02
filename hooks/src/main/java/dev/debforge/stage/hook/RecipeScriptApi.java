package dev.debforge.stage.hook;

import java.util.function.Consumer;
import org.graalvm.polyglot.HostAccess;

/** The {@code api} of a scripted recipe: the architecture it describes, and a log. */
public final class RecipeScriptApi {

  /** The architecture the recipe is asked for: {@code amd64} or {@code arm64}. */
  @HostAccess.Export public final String arch;

  private final Consumer<String> log;

  RecipeScriptApi(String arch, Consumer<String> log) {
    this.arch = arch;
    this.log = log;
  }

  /** Writes a line to the output of {@code validate} or the build's log. */
  @HostAccess.Export
  public void log(Object line) {
    log.accept(String.valueOf(line));
  }
}
