package dev.debforge.stage.hook;

import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.ToolException;
import dev.debforge.plugin.ToolRunner;
import dev.debforge.recipe.Recipe;
import dev.debforge.recipe.RecipeException;
import dev.debforge.recipe.RecipeParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A recipe written as a script, {@code recipe.js} or {@code recipe.py}, so that one file can
 * describe several architectures or variants. The script runs in the hooks' sandbox ({@link
 * Sandbox}, in a child JVM with the same limits) with {@code api.arch} set and {@code api.log};
 * it has no files to touch. What it gives back is checked by {@link RecipeParser} with the same
 * rules and messages as a YAML recipe.
 *
 * <p>The recipe is JavaScript's last expression (an object), or a global named {@code recipe} in
 * either language.
 */
public final class RecipeScript {

  private RecipeScript() {}

  /** Whether the file is a scripted recipe, by its extension. */
  public static boolean isScript(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".js") || name.endsWith(".py");
  }

  /**
   * A script's recipe for one architecture: the JSON it returned (pretty-printed, so that a
   * message about it names a useful line) and that JSON parsed.
   */
  public record Evaluated(String json, Recipe recipe) {}

  /**
   * Runs the script for one architecture and parses what it returns.
   *
   * @param scratch a directory for the child's request and result files
   * @param cache a directory kept between runs, for GraalVM's unpacked language files
   * @throws RecipeException when the returned recipe is invalid; the location is the line of the
   *     returned recipe's JSON, shown with the message
   * @throws BadInputException when the script fails, with its file and line
   */
  public static Recipe load(Path file, String arch, ToolRunner tools, Path scratch, Path cache)
      throws RecipeException, BadInputException, IOException, ToolException {
    return evaluate(file, arch, tools, scratch, cache).recipe();
  }

  /**
   * As {@link #load}, keeping the returned JSON too: a build sends it as the recipe's text, so
   * that the workers plan what was checked here and need no script runtime of their own.
   * {@code files[].source} paths are checked against the script's directory, as a YAML
   * recipe's are against its own.
   */
  public static Evaluated evaluate(Path file, String arch, ToolRunner tools, Path scratch,
      Path cache) throws RecipeException, BadInputException, IOException, ToolException {
    String name = file.getFileName().toString();
    String language = name.endsWith(".py") ? "python" : "javascript";
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RecipeException(file.toString(), 0, 0, "", "cannot read the recipe: " + e,
          "check that the file exists and is readable UTF-8 text", e);
    }
    HookOptions options =
        HookOptions.of("recipe", HookPoint.BEFORE_COMMIT.id(), language, text, file.toString(),
            null, null, "{}");
    String json = HookProcess.runRecipe(tools, options, arch, scratch, cache);
    Recipe recipe = new RecipeParser().parse(json, returnedName(file, arch),
        file.toAbsolutePath().getParent());
    return new Evaluated(json, recipe);
  }

  /** How messages name the recipe a script returned for an architecture. */
  public static String returnedName(Path file, String arch) {
    return file + " (as returned for " + arch + ")";
  }
}
