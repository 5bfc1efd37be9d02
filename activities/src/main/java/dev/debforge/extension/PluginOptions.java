package dev.debforge.extension;

import dev.debforge.plugin.OutputType;
import dev.debforge.plugin.Stage;
import dev.debforge.recipe.Recipe;
import dev.debforge.recipe.RecipeException;
import dev.debforge.recipe.RecipeParser;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a recipe's {@code plugins:} section against the plugins that are loaded: every plugin it
 * names must have started, and what it gives a plugin must read as the options of each of that
 * plugin's stages, with the recipe's own errors (file, line, column, key path, "did you mean").
 */
public final class PluginOptions {

  private PluginOptions() {}

  /**
   * @param recipeText the recipe's text, to locate errors
   * @param recipeFile the recipe's file name, for errors
   * @param types the {@code --type} values of the build, whose plugin stages read options too
   */
  public static void check(
      Recipe recipe, String recipeText, String recipeFile, Extensions extensions,
      List<String> types) throws RecipeException {
    RecipeParser parser = new RecipeParser();
    for (Map.Entry<String, Map<String, Object>> entry : recipe.plugins().entrySet()) {
      String id = entry.getKey();
      String path = "plugins." + id;
      if (extensions.startedPlugin(id).isEmpty()) {
        throw RecipeParser.errorAt(recipeText, recipeFile, path, notLoaded(id, extensions),
            hint(id, extensions));
      }
      for (Stage<?> stage : stagesReadingOptions(id, extensions, types)) {
        parser.readSection(entry.getValue(), stage.optionsType(), recipeText, recipeFile, path);
      }
    }
  }

  /** The plugin's contributed stages, and the stages of its output types the build asks for. */
  static List<Stage<?>> stagesReadingOptions(
      String pluginId, Extensions extensions, List<String> types) {
    Set<String> ids = new LinkedHashSet<>();
    extensions.contributions(pluginId).forEach(c -> ids.add(c.stage()));
    for (String type : types) {
      extensions.outputType(type)
          .filter(t -> extensions.typeOrigin(type).map(o -> o.pluginId().equals(pluginId))
              .orElse(false))
          .map(OutputType::stage)
          .ifPresent(ids::add);
    }
    List<Stage<?>> stages = new ArrayList<>();
    ids.forEach(stage -> extensions.find(stage).ifPresent(stages::add));
    return stages;
  }

  static String notLoaded(String id, Extensions extensions) {
    return extensions.plugins().stream()
        .filter(p -> id.equals(p.id()))
        .findFirst()
        .map(p -> "the plugin '" + id + "' is " + p.state() + ": " + p.reason())
        .orElse("no plugin '" + id + "' is loaded");
  }

  static String hint(String id, Extensions extensions) {
    List<String> started =
        extensions.plugins().stream().filter(PluginReport::started).map(PluginReport::id).toList();
    String closest = started.stream()
        .filter(other -> RecipeParser.distance(id, other) <= 2)
        .findFirst()
        .map(other -> "did you mean '" + other + "'? ")
        .orElse("");
    return closest + (started.isEmpty()
        ? "no plugin is loaded: put its jar in a plugin directory (--plugins DIR or "
            + "$DEBFORGE_PLUGINS) and see 'debforge plugins'"
        : "loaded plugins: " + String.join(", ", started) + " (see 'debforge plugins')");
  }
}
