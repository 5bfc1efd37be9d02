package dev.debforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.extension.PluginOptions;
import dev.debforge.plugin.BadInputException;
import dev.debforge.process.HostTools;
import dev.debforge.recipe.Recipe;
import dev.debforge.recipe.RecipeException;
import dev.debforge.recipe.RecipeParser;
import dev.debforge.recipe.UserText;
import dev.debforge.stage.hook.RecipeScript;
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

/**
 * {@code debforge validate RECIPE}: checks a recipe without building anything. A scripted recipe
 * ({@code .js}, {@code .py}) is run in the hooks' sandbox for one architecture first.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check a recipe: its keys, types and values. Exit code 2 when it is invalid.",
      "A scripted recipe (.js, .py) is run for --arch first, in the hooks' sandbox."
    })
final class ValidateCommand implements Callable<Integer> {

  @Parameters(
      paramLabel = "RECIPE",
      description = "The recipe file: YAML, or a script (recipe.js, recipe.py) that returns it.")
  Path recipe;

  @Option(
      names = "--arch",
      paramLabel = "ARCH",
      description =
          "The architecture to check the recipe for (amd64, arm64): a scripted recipe is run with"
              + " it, and the recipe must list it. Default: this machine's for a script.")
  String arch;

  @Option(names = "--json", description = "Print one result object on standard output.")
  boolean json;

  @Mixin PluginDirectories plugins = new PluginDirectories();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("recipe", recipe.toString());
    try {
      Recipe parsed = parse();
      if (arch != null && !parsed.architectures().contains(arch)) {
        throw new BadInputException(recipe + ": the recipe is for " + parsed.architectures()
            + ", not " + arch, "add " + arch + " to its architectures");
      }
      if (!parsed.plugins().isEmpty() && !RecipeScript.isScript(recipe)) {
        // The plugins it names must be loaded here, and their options must read as theirs.
        PluginOptions.check(parsed, Files.readString(recipe), recipe.toString(),
            plugins.extensions(spec.commandLine().getErr()), List.of());
      }
      result.put("valid", true);
      result.put("name", parsed.name());
      result.put("suite", parsed.base().suite());
      result.put("architectures", parsed.architectures());
      if (arch != null) {
        result.put("arch", arch);
      }
      result.put("packages", parsed.packages().install());
      result.put("removedPackages", parsed.packages().remove());
      if (json) {
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(result));
      } else {
        spec.commandLine()
            .getOut()
            .println(
                recipe + ": valid" + (arch == null ? "" : " for " + arch) + " (" + parsed.name()
                    + ", Debian " + parsed.base().suite() + ", "
                    + String.join(", ", parsed.architectures()) + "; packages: "
                    + (parsed.packages().install().isEmpty()
                        ? "none"
                        : String.join(", ", parsed.packages().install()))
                    + (parsed.packages().remove().isEmpty()
                        ? ""
                        : "; removed: " + String.join(", ", parsed.packages().remove()))
                    + ")");
      }
      return ExitCodes.DONE;
    } catch (BadInputException e) {
      result.put("valid", false);
      result.put("error", e.getMessage());
      if (json) {
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(result));
      }
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return ExitCodes.BAD_INPUT;
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

  /** The recipe: parsed from YAML, or returned by a script run for --arch in the sandbox. */
  private Recipe parse() throws Exception {
    if (!RecipeScript.isScript(recipe)) {
      return new RecipeParser().parse(recipe);
    }
    if (arch == null) {
      arch = HostTools.architecture();
    }
    return RecipeInput.runScript(recipe, arch, spec.commandLine().getErr()).recipe();
  }
}
