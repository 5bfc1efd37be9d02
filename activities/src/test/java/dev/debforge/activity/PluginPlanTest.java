package dev.debforge.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.extension.Extensions;
import dev.debforge.extension.PluginJars;
import dev.debforge.extension.PluginLoader;
import dev.debforge.plan.BuildPlan;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plan.PlannedStep;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans with a plugin: its stage at its anchor when the recipe names it, its options checked
 * like the recipe's own keys, its output type as a --type, and its version in its steps' keys
 * only.
 */
class PluginPlanTest {

  @TempDir static Path work;
  static Extensions v1;
  static Extensions v2;

  private static final String SOURCES_AT =
      """
      package a;

      import dev.debforge.plugin.Anchor;
      import dev.debforge.plugin.PipelineContribution;
      import org.pf4j.Extension;

      @Extension
      public class At implements PipelineContribution {
        public String stage() { return "alpha-stage"; }
        public Anchor anchor() { return Anchor.BEFORE_COMMIT; }
      }
      """;

  private static final String SOURCES_OUT =
      """
      package a;

      import dev.debforge.plugin.OutputType;
      import org.pf4j.Extension;

      @Extension
      public class Out implements OutputType {
        public String id() { return "alpha-out"; }
        public String directory() { return "alpha"; }
        public String fileName() { return "out.txt"; }
        public Input input() { return Input.TREE; }
        public String stage() { return "alpha-stage"; }
      }
      """;

  private static final String SOURCES_INSTALLER =
      """
      package a;

      import dev.debforge.plugin.OutputType;
      import org.pf4j.Extension;

      @Extension
      public class Installer implements OutputType {
        public String id() { return "alpha-installer"; }
        public String directory() { return "alpha"; }
        public String fileName() { return "install.txt"; }
        public Input input() { return Input.TREE; }
        public String stage() { return "alpha-stage"; }
        public boolean installer() { return true; }
      }
      """;

  @BeforeAll
  static void plugins() throws Exception {
    Path classes = PluginJars.compile(work.resolve("alpha"), Map.of(
        "a/AlphaStage.java", PluginJars.stage("a", "AlphaStage", "alpha-stage", "tree", "etc/a"),
        "a/At.java", SOURCES_AT,
        "a/Out.java", SOURCES_OUT,
        "a/Installer.java", SOURCES_INSTALLER), true);
    PluginJars.jar(classes, work.resolve("p1/alpha.jar"),
        PluginJars.manifest("alpha", "1.0.0", ">=1.0.0"), Set.of());
    v1 = BuiltinStages.registry();
    PluginLoader.load(List.of(work.resolve("p1")), v1);
    PluginJars.jar(classes, work.resolve("p2/alpha.jar"),
        PluginJars.manifest("alpha", "2.0.0", ">=1.0.0"), Set.of());
    v2 = BuiltinStages.registry();
    PluginLoader.load(List.of(work.resolve("p2")), v2);
  }

  private static final String RECIPE =
      """
      name: test
      base:
        suite: bookworm
      plugins:
        alpha:
          text: hello
      """;

  private static BuildPlan compose(Extensions registry, String recipe) {
    PlanActivitiesImpl planner =
        new PlanActivitiesImpl(registry, () -> List.of("http://mirror.example/debian"));
    return planner.plan(
        BuildRequest.compose("/tmp/test.yaml", recipe, "oci-archive:/tmp/x.tar", "amd64", null)
            .withPlugins(List.of("alpha")));
  }

  private static PlannedStep step(BuildPlan plan, String name) {
    return plan.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void thePlanSaysWhichOutputsTheStoreHasAndMarksThoseARunningStepReads(@TempDir Path dir)
      throws Exception {
    BuildPlan bare = compose(v1, RECIPE);
    String configure = step(bare, "configure").key();
    dev.debforge.store.Store store = new dev.debforge.store.Store(dir);
    try (dev.debforge.store.Store.Pending pending = store.begin(configure)) {
      pending.commit("configure", Map.of("kernel", "6.1.0-57-amd64"));
    }
    Path meta = dir.resolve("objects").resolve(configure).resolve("meta.json");
    java.nio.file.attribute.FileTime old =
        java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(meta, old);
    PlanActivitiesImpl planner =
        new PlanActivitiesImpl(v1, () -> List.of("http://mirror.example/debian"), store);
    BuildPlan plan = planner.plan(
        BuildRequest.compose("/tmp/test.yaml", RECIPE, "oci-archive:/tmp/x.tar", "amd64", null)
            .withPlugins(List.of("alpha")));
    assertEquals(Map.of(configure, Map.of("kernel", "6.1.0-57-amd64")), plan.stored());
    assertTrue(Files.getLastModifiedTime(meta).compareTo(old) > 0,
        "the initramfs step runs and reads the configured tree: it is used from now on");
  }

  @Test
  void theRecipeNamingThePluginGetsItsStageBeforeTheCommit() {
    BuildPlan plan = compose(v1, RECIPE);
    assertEquals(
        List.of("debootstrap", "configure", "initramfs", "alpha-stage", "ostree-commit",
            "oci-export", "publish"),
        plan.steps().stream().map(PlannedStep::name).toList());
    assertEquals(Map.of("tree", "initramfs"), step(plan, "alpha-stage").inputs());
    assertEquals("{\"text\":\"hello\"}", step(plan, "alpha-stage").options());
    assertEquals(Map.of("tree", "alpha-stage"), step(plan, "ostree-commit").inputs());
    assertEquals(
        Map.of("tree", "alpha-stage", "commit", "ostree-commit"),
        step(plan, "oci-export").inputs());
    assertEquals(List.of("alpha@1.0.0"), plan.plugins());
  }

  @Test
  void aRecipeThatDoesNotNameThePluginIsPlannedWithoutIt() {
    BuildPlan plan = compose(v1, "name: test\nbase:\n  suite: bookworm\n");
    assertTrue(plan.steps().stream().noneMatch(s -> s.stage().equals("alpha-stage")));
    assertEquals(List.of(), plan.plugins());
  }

  @Test
  void aNewPluginVersionChangesTheKeysOfItsStepAndWhatReadsIt() {
    BuildPlan one = compose(v1, RECIPE);
    BuildPlan two = compose(v2, RECIPE);
    for (String same : List.of("debootstrap", "configure", "initramfs")) {
      assertEquals(step(one, same).key(), step(two, same).key(), same);
    }
    assertNotEquals(step(one, "alpha-stage").key(), step(two, "alpha-stage").key());
    assertEquals(List.of("alpha@2.0.0"), two.plugins());
  }

  @Test
  void aTypoInThePluginsOptionsIsARecipeErrorWithItsLine() {
    ApplicationFailure failure =
        assertThrows(ApplicationFailure.class,
            () -> compose(v1, RECIPE.replace("text: hello", "txt: hello")));
    assertEquals(Failures.BAD_INPUT, failure.getType());
    assertTrue(failure.getOriginalMessage().startsWith(
        "/tmp/test.yaml:6:5: plugins.alpha.txt: unknown key 'txt'"), failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().contains("did you mean 'text'?"),
        failure.getOriginalMessage());
  }

  @Test
  void aPluginThatIsNotLoadedIsNamedWithTheLoadedOnes() {
    ApplicationFailure failure =
        assertThrows(ApplicationFailure.class,
            () -> compose(v1, RECIPE.replace("  alpha:", "  alpah:")));
    assertTrue(failure.getOriginalMessage().startsWith(
        "/tmp/test.yaml:5:3: plugins.alpah: no plugin 'alpah' is loaded"),
        failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().contains(
        "did you mean 'alpha'? loaded plugins: alpha"), failure.getOriginalMessage());
  }

  @Test
  void aPluginOutputTypeIsATypeOfRunReadingItsInputAndPublishedUnderItsName() {
    PlanActivitiesImpl planner =
        new PlanActivitiesImpl(v1, () -> List.of("http://mirror.example/debian"));
    BuildPlan plan =
        planner.plan(
            BuildRequest.run("/tmp/test.yaml", RECIPE, "/out", List.of("qcow2", "alpha-out"),
                "amd64", null));
    PlannedStep made = step(plan, "alpha-stage-alpha-out");
    assertEquals("alpha-stage", made.stage());
    assertEquals(Map.of("tree", "alpha-stage"), made.inputs(), "the tree as committed");
    assertEquals("{\"text\":\"hello\"}", made.options());
    PlannedStep publish = step(plan, "publish-disk-alpha-out");
    assertEquals(
        "{\"blockMap\":false,\"convert\":null,\"directory\":\"/out\","
            + "\"fileName\":\"out.txt\",\"subdirectory\":\"alpha\",\"type\":\"alpha-out\"}",
        publish.options());
    assertTrue(step(plan, "publish-disk-qcow2").options().contains("\"convert\":\"qcow2\""));
    assertEquals(Map.of("disk", "partition"), step(plan, "publish-disk-qcow2").inputs());
  }

  @Test
  void aBuildAskingOnlyForAFileOfTheTreeMakesNoDisk() {
    PlanActivitiesImpl planner =
        new PlanActivitiesImpl(v1, () -> List.of("http://mirror.example/debian"));
    BuildPlan plan =
        planner.plan(
            BuildRequest.run("/tmp/test.yaml", RECIPE, "/out", List.of("alpha-out"), "amd64",
                null));
    assertEquals(
        List.of("debootstrap", "configure", "initramfs", "alpha-stage", "alpha-stage-alpha-out",
            "publish-disk-alpha-out"),
        plan.steps().stream().map(PlannedStep::name).toList());
    assertEquals(List.of("alpha@1.0.0"), plan.plugins());
  }

  @Test
  void anInstallerTypeGetsTheConfigsInstallerSettingsAndUsersOverTheRecipes() throws Exception {
    PlanActivitiesImpl planner =
        new PlanActivitiesImpl(v1, () -> List.of("http://mirror.example/debian"));
    dev.debforge.config.DiskConfig config = dev.debforge.config.ConfigParser.parse(
        "customizations:\n  installer:\n    unattended: /dev/vda\n    hostname: lab-1\n"
            + "  user:\n    - name: ann\n      password: '$6$s$h'\n      groups: [sudo]\n",
        "c.yaml", dev.debforge.config.ConfigParser.Syntax.YAML);
    BuildPlan plan =
        planner.plan(
            BuildRequest.run("/tmp/test.yaml", RECIPE, "/out",
                List.of("alpha-out", "alpha-installer"), "amd64", null).withConfig(config));
    assertEquals("{\"text\":\"hello\"}", step(plan, "alpha-stage-alpha-out").options(),
        "a type that is no installer gets the recipe's options alone");
    assertEquals("{\"hostname\":\"lab-1\",\"text\":\"hello\",\"unattended\":\"/dev/vda\","
        + "\"users\":[{\"groups\":[\"sudo\"],\"keys\":[],\"name\":\"ann\",\"password\":"
        + "\"$6$s$h\"}]}", step(plan, "alpha-stage-alpha-installer").options());
  }

  /** Stands in for the hooks module's stage, which activities cannot see. */
  static final class HookStandIn implements dev.debforge.plugin.Stage<
      dev.debforge.stage.hook.HookOptions> {
    public String id() {
      return "hook";
    }

    public int version() {
      return 1;
    }

    public Class<dev.debforge.stage.hook.HookOptions> optionsType() {
      return dev.debforge.stage.hook.HookOptions.class;
    }

    public dev.debforge.plugin.StageOutput run(
        dev.debforge.plugin.StageContext context, dev.debforge.stage.hook.HookOptions options) {
      throw new AssertionError("not run in a plan test");
    }
  }

  @Test
  void recipeHooksRunAtTheirPointsAfterThePluginsStagesInRecipeOrder() {
    Extensions withHooks = BuiltinStages.registry().add(new HookStandIn());
    PluginLoader.load(List.of(work.resolve("p1")), withHooks);
    String recipe = RECIPE + """
        hooks:
          - name: early
            at: after-packages
            language: javascript
            source: "api.log('early')"
          - name: last
            at: before-commit
            language: python
            source: "api.log('last')"
          - name: second
            at: after-deploy
            language: javascript
            source: "api.log('deploy')"
        """;
    PlanActivitiesImpl planner =
        new PlanActivitiesImpl(withHooks, () -> List.of("http://mirror.example/debian"));
    BuildPlan plan =
        planner.plan(
            BuildRequest.run("/tmp/test.yaml", recipe, "/out", List.of("qcow2"), "amd64", null));
    List<String> names = plan.steps().stream().map(PlannedStep::name).toList();
    assertEquals(
        List.of("debootstrap", "hook-early", "configure", "initramfs", "alpha-stage", "hook-last",
            "ostree-commit", "deploy", "hook-second", "bootloader", "partition",
            "publish-disk-qcow2"),
        names);
    assertEquals(Map.of("tree", "debootstrap"), step(plan, "hook-early").inputs());
    assertEquals(Map.of("tree", "hook-early"), step(plan, "configure").inputs());
    assertEquals(Map.of("tree", "alpha-stage"), step(plan, "hook-last").inputs());
    assertEquals(Map.of("sysroot", "deploy"), step(plan, "hook-second").inputs());
    assertEquals("hook-second", step(plan, "bootloader").inputs().get("sysroot"));
    assertTrue(step(plan, "hook-last").options().contains("\"source\":\"api.log('last')\""),
        step(plan, "hook-last").options());
  }

  @Test
  void aRecipeWithHooksIsRefusedByAWorkerWithoutTheHookStage() {
    String recipe = RECIPE + "hooks:\n  - {name: a, at: before-commit, language: javascript,"
        + " source: x}\n";
    ApplicationFailure failure =
        assertThrows(ApplicationFailure.class, () -> compose(v1, recipe));
    assertEquals(Failures.BAD_INPUT, failure.getType());
    assertTrue(failure.getOriginalMessage().contains("this worker has no hook stage"),
        failure.getOriginalMessage());
  }
}
