package dev.debforge.stage.hook;

import dev.debforge.plugin.BadInputException;
import dev.debforge.recipe.Hook;
import dev.debforge.recipe.Recipe;
import dev.debforge.store.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Options of the {@code hook} stage: one recipe hook, with its script's text, so that a changed
 * script changes the step's cache key and an unchanged one is a cache hit.
 *
 * @param name the hook's name in the recipe
 * @param at where it runs: {@code after-packages}, {@code before-commit} or {@code after-deploy}
 * @param language {@code javascript} or {@code python}
 * @param source the script's text
 * @param sourceName the name errors give the script: its file relative to the recipe, or
 *     {@code RECIPE#hooks.NAME} for inline source
 * @param sourceSha256 the sha256 of the script file, or null for inline source
 * @param suite the Debian suite, for {@code api.suite}
 * @param recipeJson the recipe's canonical JSON, for {@code api.recipe}
 * @param timeoutSeconds the wall-clock deadline of the script's child JVM; null for 60
 * @param heapMegabytes the child JVM's heap cap; null for the language's default (256 for
 *     JavaScript, 512 for Python)
 * @param statementLimit the most statements the script may run; null for 100,000,000
 */
public record HookOptions(
    String name,
    String at,
    String language,
    String source,
    String sourceName,
    String sourceSha256,
    String suite,
    String recipeJson,
    Integer timeoutSeconds,
    Integer heapMegabytes,
    Long statementLimit) {

  public static final int DEFAULT_TIMEOUT_SECONDS = 60;
  public static final long DEFAULT_STATEMENT_LIMIT = 100_000_000L;

  public HookOptions {
    HookPoint.of(at);
    HookLanguage.of(language);
    if (source == null) {
      throw new IllegalArgumentException("hook " + name + ": no source");
    }
    recipeJson = recipeJson == null ? "{}" : recipeJson;
  }

  /** Options with the default limits. */
  public static HookOptions of(String name, String at, String language, String source,
      String sourceName, String sourceSha256, String suite, String recipeJson) {
    return new HookOptions(name, at, language, source, sourceName, sourceSha256, suite,
        recipeJson, null, null, null);
  }

  /**
   * The options of a recipe's hook, as the plan gives them to its step: the script's text read
   * from beside the recipe (with its sha256), or the inline source.
   *
   * @param recipeFile the recipe's file, whose directory the hook's file is relative to
   */
  public static HookOptions forRecipe(Recipe recipe, Hook hook, Path recipeFile)
      throws BadInputException, IOException {
    String text = hook.source();
    String sourceName = recipeFile.getFileName() + "#hooks." + hook.name();
    String sha = null;
    if (hook.file() != null) {
      Path file;
      try {
        file = hook.resolveFile(recipeFile.toAbsolutePath().getParent());
      } catch (RuntimeException e) {
        throw new BadInputException("hooks: " + hook.name() + ": " + e.getMessage(), null);
      }
      if (!Files.isRegularFile(file)) {
        throw new BadInputException(
            "hooks: " + hook.name() + ": file " + file + " is not a readable file",
            "give a path relative to the recipe's directory");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
      sha = Sha256.ofFile(file);
      sourceName = hook.file();
    }
    return of(hook.name(), hook.at(), hook.language(), text, sourceName, sha,
        recipe.base().suite(), recipe.canonicalJson());
  }

  /** The same hook with other limits (tests use short ones). */
  public HookOptions withLimits(Duration timeout, Integer heap, Long statements) {
    return new HookOptions(name, at, language, source, sourceName, sourceSha256, suite,
        recipeJson, Math.toIntExact(timeout.toSeconds()), heap, statements);
  }

  public HookPoint point() {
    return HookPoint.of(at);
  }

  public HookLanguage lang() {
    return HookLanguage.of(language);
  }

  public Duration timeout() {
    return Duration.ofSeconds(timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds);
  }

  public int heap() {
    return heapMegabytes == null ? lang().heapMegabytes() : heapMegabytes;
  }

  public long statements() {
    return statementLimit == null ? DEFAULT_STATEMENT_LIMIT : statementLimit;
  }
}
