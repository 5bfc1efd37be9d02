package dev.debforge.cli;

import dev.debforge.recipe.Recipe;
import dev.debforge.recipe.RecipeException;
import dev.debforge.recipe.RecipeParser;
import dev.debforge.recipe.UserFiles;
import java.nio.file.Path;

/**
 * A recipe as a command reads it on the client: its text (sent to the worker, so the plan sees
 * what was validated), the parsed recipe, and the architecture to build.
 */
record RecipeInput(Path path, String text, Recipe recipe, String architecture) {

  /**
   * Reads and checks the recipe.
   *
   * @param arch the architecture asked for, or null for the recipe's first
   * @throws UserError when the file cannot be read, the recipe is invalid, or it does not list
   *     the architecture
   */
  static RecipeInput load(Path path, String arch) {
    Requests.checkedArch(arch);
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
    String architecture = arch != null ? arch : recipe.architectures().get(0);
    if (!recipe.architectures().contains(architecture)) {
      throw new UserError(
          path + ": the recipe is for " + recipe.architectures() + ", not " + architecture
              + "\nHint: add " + architecture + " to its architectures");
    }
    return new RecipeInput(path, text, recipe, architecture);
  }

  String absolutePath() {
    return path.toAbsolutePath().toString();
  }
}
