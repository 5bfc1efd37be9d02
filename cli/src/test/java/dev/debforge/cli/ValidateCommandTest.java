package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

  @Test
  void shippedRecipesAreValid() {
    for (String recipe : new String[] {"minimal-bookworm.yaml", "trixie-server.yaml", "hooks-example.yaml"}) {
      CliRun run = CliRun.of("validate", "../recipes/" + recipe);
      assertEquals(0, run.exitCode(), run.err());
      assertTrue(run.out().contains(": valid ("), run.out());
    }
  }

  @Test
  void scriptedRecipeGivesEachArchitectureItsPackages() {
    CliRun amd64 = CliRun.of("validate", "--arch", "amd64", "../recipes/scripted-bookworm.js");
    assertEquals(0, amd64.exitCode(), amd64.err());
    assertTrue(amd64.out().contains("valid for amd64 (scripted-bookworm, Debian bookworm, amd64,"
        + " arm64; packages: less, intel-microcode)"), amd64.out());
    CliRun arm64 =
        CliRun.of("validate", "--json", "--arch", "arm64", "../recipes/scripted-bookworm.js");
    assertEquals(0, arm64.exitCode(), arm64.err());
    assertTrue(arm64.out().contains("\"arch\":\"arm64\",\"packages\":[\"less\"]"), arm64.out());
  }

  @Test
  void removalsAreShownAndOneTheImageBootsWithIsRefusedAtItsLine(@TempDir Path dir)
      throws Exception {
    String head = "name: x\nbase:\n  suite: bookworm\npackages:\n  install: [htop]\n";
    Path fine = Files.writeString(dir.resolve("fine.yaml"), head + "  remove: [less, nano]\n");
    CliRun run = CliRun.of("validate", fine.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("packages: htop; removed: less, nano)"), run.out());
    CliRun json = CliRun.of("validate", "--json", fine.toString());
    assertTrue(json.out().contains("\"removedPackages\":[\"less\",\"nano\"]"), json.out());

    Path kernel = Files.writeString(dir.resolve("kernel.yaml"),
        head + "  remove:\n    - less\n    - linux-image-amd64\n");
    CliRun refused = CliRun.of("validate", kernel.toString());
    assertEquals(2, refused.exitCode(), refused.out());
    assertTrue(refused.err().contains(kernel + ":8:7: packages.remove[1]: 'linux-image-amd64' is"
        + " what makes the image bootable"), refused.err());
  }

  @Test
  void aYamlRecipeMustListTheArchitecture() {
    CliRun run = CliRun.of("validate", "--arch", "arm64", "../recipes/trixie-server.yaml");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("the recipe is for [amd64], not arm64"), run.err());
  }

  @Test
  void invalidRecipeExitsWithTwoAndNamesFileLineAndKey(@TempDir Path dir) throws Exception {
    Path recipe = Files.writeString(dir.resolve("bad.yaml"), "name: x\nbase:\n  suite: buster\n");
    CliRun run = CliRun.of("validate", recipe.toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains(recipe + ":3:"), run.err());
    assertTrue(run.err().contains("base.suite"), run.err());
    assertTrue(run.err().contains("Hint:"), run.err());
  }

  @Test
  void jsonReportsTheErrorLocation(@TempDir Path dir) throws Exception {
    Path recipe = Files.writeString(dir.resolve("bad.yaml"), "name: x\nbase:\n  suite: bookworm\n"
        + "pakages: {}\n");
    CliRun run = CliRun.of("validate", "--json", recipe.toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.out().contains("\"valid\":false"), run.out());
    assertTrue(run.out().contains("\"line\":4"), run.out());
    assertTrue(run.out().contains("\"key\":\"pakages\""), run.out());
  }

  @Test
  void missingRecipeFileIsBadInput() {
    CliRun run = CliRun.of("compose", "/nonexistent/recipe.yaml");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("/nonexistent/recipe.yaml: the recipe does not exist"), run.err());
  }

  @Test
  void unknownOptionIsAUsageError() {
    CliRun run = CliRun.of("compose", "--no-such-option", "x.yaml");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("Unknown option"), run.err());
  }

  @Test
  void versionNamesTheRelease() {
    CliRun run = CliRun.of("--version");
    assertEquals(0, run.exitCode());
    assertTrue(run.out().startsWith("debforge "), run.out());
  }
}
