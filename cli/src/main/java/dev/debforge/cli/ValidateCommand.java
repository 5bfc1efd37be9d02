package dev.debforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.extension.PluginOptions;
import dev.debforge.recipe.Recipe;
import dev.debforge.recipe.RecipeException;
import dev.debforge.recipe.RecipeParser;
import dev.debforge.recipe.UserText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code debforge validate RECIPE}: checks a recipe without building anything. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Check a recipe: its keys, types and values. Exit code 2 when it is invalid.")
final class ValidateCommand implements Callable<Integer> {

  @Parameters(paramLabel = "RECIPE", description = "The recipe file (YAML).")
  Path recipe;

  @Option(names = "--json", description = "Print one result object on standard output.")
  boolean json;

  @Mixin PluginDirectories plugins = new PluginDirectories();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("recipe", recipe.toString());
    try {
      Recipe parsed = new RecipeParser().parse(recipe);
      if (!parsed.plugins().isEmpty()) {
        // The plugins it names must be loaded here, and their options must read as theirs.
        PluginOptions.check(parsed, Files.readString(recipe), recipe.toString(),
            plugins.extensions(spec.commandLine().getErr()), List.of());
      }
      result.put("valid", true);
      result.put("name", parsed.name());
      result.put("suite", parsed.base().suite());
      result.put("architectures", parsed.architectures());
      if (json) {
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(result));
      } else {
        spec.commandLine()
            .getOut()
            .println(
                recipe + ": valid (" + parsed.name() + ", Debian " + parsed.base().suite() + ", "
                    + String.join(", ", parsed.architectures()) + ")");
      }
      return ExitCodes.DONE;
    } catch (RecipeException e) {
      result.put("valid", false);
      result.put("error", e.getMessage());
      result.put("line", e.line());
      result.put("column", e.column());
      result.put("key", e.keyPath());
      if (json) {
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(result));
      }
      spec.commandLine().getErr().println("error: " + UserText.printable(e.getMessage()));
      return ExitCodes.BAD_INPUT;
    }
  }
}
