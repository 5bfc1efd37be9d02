package dev.debforge.cli;

import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.ToolException;
import dev.debforge.process.HostTools;
import dev.debforge.process.ProcessRunner;
import dev.debforge.recipe.Recipe;
import dev.debforge.recipe.RecipeException;
import dev.debforge.recipe.RecipeParser;
import dev.debforge.recipe.UserFiles;
import dev.debforge.stage.hook.RecipeScript;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A recipe as a command reads it on the client: its text (sent to the worker, so the plan sees
 * what was validated), the parsed recipe, and the architecture to build.
 *
 * <p>A scripted recipe ({@code recipe.js}, {@code recipe.py}) is run here, in the hooks'
 * sandbox, for the architecture to build; its text is then the JSON the script returned, which
 * the workers read as they read YAML. They need no script runtime for it, and the plan's keys
 * follow what the script gave, not the script's source.
 */
record RecipeInput(Path path, String text, Recipe recipe, String architecture) {

  /**
   * Reads and checks the recipe, running it first when it is a script.
   *
   * @param arch the architecture asked for, or null for the recipe's first (for a script, this
   *     machine's)
   * @param err where a script's log lines go
   * @throws UserError when the file cannot be read, the recipe is invalid, the script fails, or
   *     the recipe does not list the architecture
   * @throws ToolException when the script's sandbox could not be started
   */
  static RecipeInput load(Path path, String arch, PrintWriter err)
      throws IOException, ToolException {
    Requests.checkedArch(arch);
    if (RecipeScript.isScript(path)) {
      return script(path, arch != null ? arch : HostTools.architecture(), err);
    }
    String text;
    try {
      text = UserFiles.read(path, "recipe");
    } catch (UserFiles.Refused e) {
      throw new UserError(e.getMessage());
    }
    Recipe recipe;
    try {
      recipe = new RecipeParser().parse(text, path.toString(), path.toAbsolutePath().getParent());
    } catch (RecipeException e) {
      throw new UserError(e.getMessage());
    }
    return checked(path, text, recipe, arch != null ? arch : recipe.architectures().get(0));
  }

  /**
   * Reads the recipe once per architecture to build: those given with {@code --arch} (a
   * comma-separated list), else every architecture a YAML recipe lists, else (a script) this
   * machine's. A script runs once per architecture.
   *
   * @param archs the {@code --arch} value, or null
   */
  static List<RecipeInput> loadAll(Path path, String archs, PrintWriter err)
      throws IOException, ToolException {
    List<String> wanted = Requests.checkedArchs(archs);
    if (wanted == null) {
      RecipeInput first = load(path, null, err);
      if (RecipeScript.isScript(path)) {
        return List.of(first);
      }
      wanted = first.recipe().architectures();
    }
    List<RecipeInput> inputs = new ArrayList<>();
    for (String arch : wanted) {
      inputs.add(load(path, arch, err));
    }
    return List.copyOf(inputs);
  }

  private static RecipeInput script(Path path, String arch, PrintWriter err)
      throws IOException, ToolException {
    if (!Files.isRegularFile(path)) {
      throw new UserError(path + ": no such recipe file\nHint: check the path");
    }
    try {
      RecipeScript.Evaluated evaluated = runScript(path, arch, err);
      return checked(path, evaluated.json(), evaluated.recipe(), arch);
    } catch (RecipeException | BadInputException e) {
      throw new UserError(e.getMessage());
    }
  }

  /**
   * Runs a scripted recipe for one architecture in the hooks' sandbox, here; its log lines go
   * to {@code err}. {@code validate} and the building commands run scripts through this.
   */
  static RecipeScript.Evaluated runScript(Path path, String arch, PrintWriter err)
      throws RecipeException, BadInputException, IOException, ToolException {
    Path scratch = Files.createTempDirectory("debforge-recipe");
    try {
      // GraalVM keeps its unpacked language files under the user's ~/.cache, as it does by
      // default, so that only the first script on a machine pays for unpacking them.
      return RecipeScript.evaluate(path, arch, ProcessRunner.logging(err::println), scratch,
          Path.of(System.getProperty("user.home")));
    } finally {
      Trees.delete(scratch);
    }
  }

  private static RecipeInput checked(Path path, String text, Recipe recipe, String architecture) {
    if (!recipe.architectures().contains(architecture)) {
      throw new UserError(
          path + ": the recipe is for " + recipe.architectures() + ", not " + architecture
              + "\nHint: " + (RecipeScript.isScript(path)
                  ? "build with --arch " + recipe.architectures().get(0)
                      + ", or have the script list " + architecture
                  : "add " + architecture + " to its architectures"));
    }
    return new RecipeInput(path, text, recipe, architecture);
  }

  String absolutePath() {
    return path.toAbsolutePath().toString();
  }
}
