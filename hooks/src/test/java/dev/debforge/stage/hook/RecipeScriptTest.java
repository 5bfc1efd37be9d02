package dev.debforge.stage.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.BadInputException;
import dev.debforge.process.ProcessRunner;
import dev.debforge.recipe.Recipe;
import dev.debforge.recipe.RecipeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scripted recipes, run in the hooks' sandbox and checked by the recipe parser. */
class RecipeScriptTest {

  private static final Path SHIPPED = Path.of("../recipes/scripted-bookworm.js");

  @TempDir Path temp;

  private Recipe load(Path file, String arch) throws Exception {
    return RecipeScript.load(file, arch, ProcessRunner.logging(line -> {}), temp, HookChild.CACHE);
  }

  @Test
  void theShippedScriptGivesEachArchitectureItsPackages() throws Exception {
    Recipe amd64 = load(SHIPPED, "amd64");
    Recipe arm64 = load(SHIPPED, "arm64");
    assertEquals("scripted-bookworm", amd64.name());
    assertEquals(List.of("less", "intel-microcode"), amd64.packages().install());
    assertEquals(List.of("less"), arm64.packages().install());
    assertEquals(List.of("console=ttyAMA0,115200"), arm64.kernel().args());
    assertEquals("Built for arm64 by debforge.\n", arm64.files().get(0).content());
  }

  @Test
  void aPythonRecipeIsItsGlobalRecipe() throws Exception {
    Path file = Files.writeString(temp.resolve("recipe.py"), String.join("\n",
        "extra = ['grub-efi-arm64'] if api.arch == 'arm64' else []",
        "recipe = {'name': 'py', 'base': {'suite': 'trixie'}, 'architectures': [api.arch],",
        "          'packages': {'install': ['vim'] + extra}}", ""));
    Recipe recipe = load(file, "arm64");
    assertEquals(List.of("arm64"), recipe.architectures());
    assertEquals(List.of("vim", "grub-efi-arm64"), recipe.packages().install());
  }

  @Test
  void aReturnedRecipeIsCheckedLikeYaml() throws Exception {
    Path file = Files.writeString(temp.resolve("recipe.js"),
        "({name: 'x', base: {suite: 'bookworm'}, pakages: {}})\n");
    RecipeException e = assertThrows(RecipeException.class, () -> load(file, "amd64"));
    assertEquals("pakages", e.keyPath());
    assertTrue(e.getMessage().contains("(as returned for amd64)"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'packages'?"), e.getMessage());
  }

  @Test
  void aFailingScriptNamesItsLine() throws Exception {
    Path file = Files.writeString(temp.resolve("recipe.js"), "const a = 1;\nnope();\n");
    BadInputException e = assertThrows(BadInputException.class, () -> load(file, "amd64"));
    assertTrue(e.getMessage().startsWith(file + ":2: recipe script (javascript) failed:"),
        e.getMessage());
  }
}
