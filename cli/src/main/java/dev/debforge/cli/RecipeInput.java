package dev.debforge.cli;

import dev.debforge.recipe.Recipe;
import dev.debforge.recipe.RecipeException;
import dev.debforge.recipe.RecipeParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError(
          "cannot read the recipe " + path + ": " + e.getMessage()
              + "\nHint: check the path; shipped recipes are under recipes/");
    }
    Recipe recipe;
    try {
      recipe = new RecipeParser().parse(text, path.toString());
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
