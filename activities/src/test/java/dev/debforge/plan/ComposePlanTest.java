package dev.debforge.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.recipe.Packages;
import dev.debforge.recipe.Recipe;
import dev.debforge.recipe.RecipeParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComposePlanTest {

  private static final String RECIPE =
      """
      name: test
      base:
        suite: bookworm
      packages:
        install: [vim]
      kernel:
        args: ["console=ttyS0,115200"]
      """;

  private static BuildPlan plan(String yaml, Long epoch) throws Exception {
    Recipe recipe = new RecipeParser().parse(yaml, "test.yaml");
    PlanBuilder builder = new PlanBuilder("amd64", stage -> 1);
    ComposePlan.Steps steps =
        ComposePlan.add(
            builder,
            recipe,
            "amd64",
            List.of("deb http://deb.debian.org/debian bookworm main"),
            List.of(),
            epoch);
    ComposePlan.publish(builder, steps.image(), recipe, "oci-archive:/tmp/x.tar", true);
    return builder.build("test for amd64");
  }

  private static PlannedStep step(BuildPlan plan, String name) {
    return plan.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void composeCommitsACopyOfTheTreeWhichOciExportArchives() throws Exception {
    String options = step(plan(RECIPE, 0L), "ostree-commit").options();
    List<String> keys = new java.util.ArrayList<>();
    PlanBuilder.CANONICAL.readTree(options).fieldNames().forEachRemaining(keys::add);
    assertEquals(
        List.of("ref", "subject", "timestamp", "version"),
        keys,
        "no adopt key: oci-export archives the tree while deploy may link the repository's"
            + " files, and the step's key stays what it was: " + options);
  }

  @Test
  void composeRunsTheStagesInOrderEachReadingThePreviousTree() throws Exception {
    BuildPlan plan = plan(RECIPE, null);
    assertEquals(
        List.of("debootstrap", "packages", "configure", "initramfs", "ostree-commit", "oci-export",
            "publish"),
        plan.steps().stream().map(PlannedStep::stage).toList());
    assertEquals(Map.of("tree", "debootstrap"), step(plan, "packages").inputs());
    assertEquals(Map.of("tree", "packages"), step(plan, "configure").inputs());
    assertEquals(
        Map.of("tree", "initramfs", "commit", "ostree-commit"), step(plan, "oci-export").inputs());
  }

  @Test
  void samePlanGivesSameKeys() throws Exception {
    assertEquals(plan(RECIPE, 1L).steps(), plan(RECIPE, 1L).steps());
  }

  @Test
  void changedPackageKeepsTheBaseAndChangesEveryKeyFromPackagesOn() throws Exception {
    BuildPlan a = plan(RECIPE, null);
    BuildPlan b = plan(RECIPE.replace("[vim]", "[vim, nano]"), null);
    assertEquals(step(a, "debootstrap").key(), step(b, "debootstrap").key());
    for (String name : List.of("packages", "configure", "initramfs", "oci-export")) {
      assertNotEquals(step(a, name).key(), step(b, name).key(), name);
    }
  }

  @Test
  void aRecipeWithoutPackagesHasNoPackagesStepAndTheSameBase() throws Exception {
    BuildPlan bare = plan(RECIPE.replace("packages:\n  install: [vim]\n", ""), null);
    assertTrue(
        bare.steps().stream().noneMatch(s -> s.stage().equals("packages")), bare.toString());
    assertEquals(Map.of("tree", "debootstrap"), step(bare, "configure").inputs());
    assertEquals(step(plan(RECIPE, null), "debootstrap").key(), step(bare, "debootstrap").key());
  }

  @Test
  void removalsAloneGetAPackagesStep() throws Exception {
    String options =
        step(plan(RECIPE.replace("install: [vim]", "remove: [less]"), null), "packages").options();
    assertTrue(options.contains("\"remove\":[\"less\"]"), options);
    assertTrue(options.contains("\"keep\":[\"dracut\",\"grub-efi-amd64-bin\",\"grub-pc-bin\","
        + "\"kmod\",\"linux-image-amd64\",\"ostree\",\"ostree-boot\",\"systemd-sysv\",\"udev\"]"),
        "what a removal must leave, the recipe's kernel and GRUB's modules among it: " + options);
  }

  @Test
  void whatEveryImageKeepsHasEachArchitecturesGrubAndIsInTheBase() {
    for (String arch : List.of("amd64", "arm64")) {
      assertTrue(Packages.KEPT.containsAll(ComposePlan.bootloaderPackages(arch)), arch);
    }
    for (String kept : Packages.KEPT) {
      assertTrue(ComposePlan.BASE_PACKAGES.contains(kept) || kept.startsWith("grub-"),
          kept + " is installed by debootstrap");
    }
  }

  @Test
  void changedKernelArgumentKeepsTheDebootstrapOutput() throws Exception {
    BuildPlan a = plan(RECIPE, null);
    BuildPlan b = plan(RECIPE.replace("ttyS0,115200", "ttyS1"), null);
    assertEquals(step(a, "debootstrap").key(), step(b, "debootstrap").key());
    assertNotEquals(step(a, "configure").key(), step(b, "configure").key());
  }

  @Test
  void publishIsNeverCached() throws Exception {
    assertNull(step(plan(RECIPE, null), "publish").key());
  }

  @Test
  void debootstrapInstallsTheBootablePackagesAndPackagesTheRecipes() throws Exception {
    BuildPlan plan = plan(RECIPE, null);
    String base = step(plan, "debootstrap").options();
    for (String pkg :
        List.of("linux-image-amd64", "ostree-boot", "dracut", "pigz", "grub-pc-bin",
            "grub-efi-amd64-bin")) {
      assertTrue(base.contains("\"" + pkg + "\""), pkg + " in " + base);
    }
    assertFalse(base.contains("\"vim\""), base);
    assertTrue(step(plan, "packages").options().contains("\"install\":[\"vim\"]"),
        step(plan, "packages").options());
  }

  @Test
  void hostSourcesGiveSuiteUpdatesAndSecurity() {
    assertEquals(
        List.of(
            "deb http://mirror/debian/ trixie main contrib",
            "deb http://mirror/debian/ trixie-updates main contrib",
            "deb http://mirror/debian-security/ trixie-security main contrib"),
        AptSources.lines(
            "trixie",
            List.of("main", "contrib"),
            null,
            List.of("http://mirror/debian-security/", "http://mirror/debian/")));
  }

  @Test
  void sidHasNeitherUpdatesNorSecurity() {
    assertEquals(
        List.of("deb http://deb.debian.org/debian sid main"),
        AptSources.lines("sid", List.of("main"), null, List.of()));
  }

  @Test
  void recipeMirrorReplacesTheHostSources() {
    assertEquals(
        List.of(
            "deb http://local/debian bookworm main",
            "deb http://local/debian bookworm-updates main"),
        AptSources.lines("bookworm", List.of("main"), "http://local/debian", List.of("http://x/")));
  }
}
