package dev.debforge.stage.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.BadInputException;
import dev.debforge.recipe.Hook;
import dev.debforge.recipe.Recipe;
import dev.debforge.recipe.RecipeParser;
import dev.debforge.stage.hook.HookRequests.UserRequest;
import dev.debforge.store.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options a plan makes from a recipe's hooks, and the shipped example's hooks, run. */
class ShippedHooksTest {

  private static final Path EXAMPLE = Path.of("../recipes/hooks-example.yaml");

  @TempDir Path temp;

  @Test
  void optionsCarryTheScriptItsDigestAndTheRecipe() throws Exception {
    Recipe recipe = new RecipeParser().parse(EXAMPLE);
    HookOptions motd = HookOptions.forRecipe(recipe, recipe.hooks().get(1), EXAMPLE);
    Path file = Path.of("../recipes/hooks/motd.js");
    assertEquals("motd", motd.name());
    assertEquals("before-commit", motd.at());
    assertEquals("javascript", motd.language());
    assertEquals(Files.readString(file), motd.source());
    assertEquals(Sha256.ofFile(file), motd.sourceSha256());
    assertEquals("hooks/motd.js", motd.sourceName());
    assertEquals("bookworm", motd.suite());
    assertEquals(recipe.canonicalJson(), motd.recipeJson());
  }

  @Test
  void inlineSourceIsNamedAfterTheRecipe() throws Exception {
    Recipe recipe = new RecipeParser().parse(
        "name: x\nbase: {suite: trixie}\nhooks:\n  - {name: hi, at: after-deploy, language: python,"
            + " source: \"api.log('hi')\"}\n", "x.yaml");
    HookOptions hi = HookOptions.forRecipe(recipe, recipe.hooks().get(0), temp.resolve("x.yaml"));
    assertEquals("x.yaml#hooks.hi", hi.sourceName());
    assertEquals("api.log('hi')", hi.source());
    assertNull(hi.sourceSha256());
  }

  @Test
  void aMissingScriptFileIsBadInput() throws Exception {
    Recipe recipe = new RecipeParser().parse(
        "name: x\nbase: {suite: trixie}\nhooks:\n  - {name: gone, at: before-commit, file: gone.js}\n",
        "x.yaml");
    Hook gone = recipe.hooks().get(0);
    BadInputException e = assertThrows(BadInputException.class,
        () -> HookOptions.forRecipe(recipe, gone, temp.resolve("x.yaml")));
    assertTrue(e.getMessage().startsWith("hooks: gone: file "), e.getMessage());
  }

  @Test
  void shippedHooksRunAgainstATree() throws Exception {
    Recipe recipe = new RecipeParser().parse(EXAMPLE);
    HookChild child = new HookChild(temp);
    Files.createDirectories(child.root.resolve("usr/lib/modules/6.1.0-test-amd64"));

    HookRequests motd = child.run(HookOptions.forRecipe(recipe, recipe.hooks().get(1), EXAMPLE));
    assertEquals(List.of("systemd-networkd.service"), motd.enable());
    assertEquals(List.of(), motd.install());
    assertEquals("Welcome to hooks-example (bookworm, arm64), built by debforge.\n"
        + "Kernel: 6.1.0-test-amd64\n", Files.readString(child.root.resolve("etc/motd")));

    HookRequests admins =
        child.run(HookOptions.forRecipe(recipe, recipe.hooks().get(0), EXAMPLE));
    assertEquals(List.of("admins"), admins.groups());
    assertEquals(List.of(new UserRequest("ann", List.of("admins")),
        new UserRequest("bob", List.of("admins"))), admins.users());
    assertEquals(List.of(), admins.install(), "cpuid is for amd64 only; the child builds arm64");
    assertEquals(List.of("quiet"), admins.kernelArgs());
    assertEquals("%admins ALL=(ALL:ALL) ALL\n",
        Files.readString(child.root.resolve("etc/sudoers.d/admins")));
  }
}
