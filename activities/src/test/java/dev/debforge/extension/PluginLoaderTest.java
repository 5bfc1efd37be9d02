package dev.debforge.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.activity.BuiltinStages;
import dev.debforge.plugin.Anchor;
import dev.debforge.plugin.OutputType;
import dev.debforge.plugin.PluginApi;
import dev.debforge.plugin.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.PluginManager;

/**
 * Plugins compiled and packed in the test, loaded from one directory: the good ones register
 * their stages, contributions and output types; each broken one fails alone, with a reason that
 * names what is wrong, and the others still work.
 */
class PluginLoaderTest {

  @TempDir static Path work;
  static Path plugins;
  static Extensions extensions;
  static PluginManager manager;

  private static final String CONTRIBUTION =
      """
      package %s;

      import dev.debforge.plugin.Anchor;
      import dev.debforge.plugin.PipelineContribution;
      import org.pf4j.Extension;

      @Extension
      public class At implements PipelineContribution {
        public String stage() { return "%s"; }
        public Anchor anchor() { return Anchor.%s; }
      }
      """;

  private static final String OUTPUT_TYPE =
      """
      package %s;

      import dev.debforge.plugin.OutputType;
      import org.pf4j.Extension;

      @Extension
      public class Out implements OutputType {
        public String id() { return "%s"; }
        public String directory() { return "alpha"; }
        public String fileName() { return "out.txt"; }
        public Input input() { return Input.TREE; }
        public String stage() { return "%s"; }
      }
      """;

  @BeforeAll
  static void makePlugins() throws Exception {
    plugins = Files.createDirectories(work.resolve("plugins"));
    // alpha: a stage, its contribution before the commit and an output type.
    Path alpha = PluginJars.compile(work.resolve("alpha"), Map.of(
        "a/AlphaStage.java", PluginJars.stage("a", "AlphaStage", "alpha-stage", "tree", "etc/alpha"),
        "a/At.java", CONTRIBUTION.formatted("a", "alpha-stage", "BEFORE_COMMIT"),
        "a/Out.java", OUTPUT_TYPE.formatted("a", "alpha-out", "alpha-stage")), true);
    PluginJars.jar(alpha, plugins.resolve("alpha-1.0.0.jar"),
        PluginJars.manifest("alpha", "1.0.0", ">=1.0.0 & <2.0.0"), Set.of());
    // beta claims alpha's stage id; omega claims debforge's own configure.
    Path beta = PluginJars.compile(work.resolve("beta"), Map.of(
        "b/Same.java", PluginJars.stage("b", "Same", "alpha-stage", "tree", "etc/beta")), true);
    PluginJars.jar(beta, plugins.resolve("beta.jar"),
        PluginJars.manifest("beta", "1.0.0", ">=1.0.0"), Set.of());
    Path omega = PluginJars.compile(work.resolve("omega"), Map.of(
        "o/Mine.java", PluginJars.stage("o", "Mine", "configure", "tree", "etc/o")), true);
    PluginJars.jar(omega, plugins.resolve("omega.jar"),
        PluginJars.manifest("omega", "1.0.0", ">=1.0.0"), Set.of());
    // corrupt: not a zip at all.
    Files.write(plugins.resolve("corrupt.jar"), "not a jar".getBytes());
    // gamma: its stage extends a class the jar does not carry.
    Path gamma = PluginJars.compile(work.resolve("gamma"), Map.of(
        "g/lib/Base.java", "package g.lib; public class Base {}",
        "g/Broken.java", PluginJars.stage("g", "Broken", "gamma-stage", "tree", "x")
            .replace("public class Broken implements", "public class Broken extends g.lib.Base implements")),
        true);
    PluginJars.jar(gamma, plugins.resolve("gamma.jar"),
        PluginJars.manifest("gamma", "1.0.0", ">=1.0.0"), Set.of("g/lib/Base.class"));
    // delta: its Plugin-Class throws in start().
    Path delta = PluginJars.compile(work.resolve("delta"), Map.of(
        "d/DeltaStage.java", PluginJars.stage("d", "DeltaStage", "delta-stage", "tree", "x"),
        "d/DeltaPlugin.java", """
            package d;
            public class DeltaPlugin extends org.pf4j.Plugin {
              public void start() { throw new IllegalStateException("no licence server"); }
            }
            """), true);
    Map<String, String> deltaManifest =
        new java.util.HashMap<>(PluginJars.manifest("delta", "0.3.0", ">=1.0.0"));
    deltaManifest.put("Plugin-Class", "d.DeltaPlugin");
    PluginJars.jar(delta, plugins.resolve("delta.jar"), deltaManifest, Set.of());
    // zeta: needs a later API.
    Path zeta = PluginJars.compile(work.resolve("zeta"), Map.of(
        "z/ZetaStage.java", PluginJars.stage("z", "ZetaStage", "zeta-stage", "tree", "x")), true);
    PluginJars.jar(zeta, plugins.resolve("zeta.jar"),
        PluginJars.manifest("zeta", "2.1.0", ">=2.0.0 & <3.0.0"), Set.of());
    // eta: compiled without PF4J's processor, so it has no extension index.
    Path eta = PluginJars.compile(work.resolve("eta"), Map.of(
        "e/EtaStage.java", PluginJars.stage("e", "EtaStage", "eta-stage", "tree", "x")), false);
    PluginJars.jar(eta, plugins.resolve("eta.jar"),
        PluginJars.manifest("eta", "1.0.0", ">=1.0.0"), Set.of());
    // theta: a directory plugin that bundles its own copy of the plugin API's Stage interface.
    Path theta = PluginJars.compile(work.resolve("theta"), Map.of(
        "t/ThetaStage.java", PluginJars.stage("t", "ThetaStage", "theta-stage", "tree", "x")),
        true);
    Path thetaDir = Files.createDirectories(plugins.resolve("theta"));
    copyTree(theta, thetaDir.resolve("classes"));
    Path api = Path.of(Stage.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path apiStage = api.resolve("dev/debforge/plugin/Stage.class");
    if (Files.isRegularFile(apiStage)) {
      Files.createDirectories(thetaDir.resolve("classes/dev/debforge/plugin"));
      Files.copy(apiStage, thetaDir.resolve("classes/dev/debforge/plugin/Stage.class"));
    }
    Files.writeString(thetaDir.resolve("plugin.properties"),
        "plugin.id=theta\nplugin.version=1.1.0\nplugin.requires=>=1.0.0\nplugin.provider=tests\n");
    // kappa: a zip plugin (plugin.properties, classes/, lib/ with a library it bundles).
    Path kappa = PluginJars.compile(work.resolve("kappa"), Map.of(
        "kl/Greeting.java", "package kl; public class Greeting { public static String text() "
            + "{ return \"from a bundled library\"; } }",
        "k/KappaStage.java", PluginJars.stage("k", "KappaStage", "kappa-stage", "tree", "x")
            .replace("public String id() {", "public String greeting() { return kl.Greeting.text(); }\n"
                + "  public String id() {")), true);
    Path kappaLibJar = PluginJars.jar(kappa, work.resolve("kappa-lib.jar"), Map.of(),
        Set.of("k/KappaStage.class", "k/KappaStage$Options.class", "META-INF/extensions.idx"));
    Files.delete(kappa.resolve("kl/Greeting.class"));
    zip(plugins.resolve("kappa-2.0.0.zip"), Map.of(
        "plugin.properties",
        "plugin.id=kappa\nplugin.version=2.0.0\nplugin.requires=>=1.0.0\n".getBytes(),
        "lib/kappa-lib.jar", Files.readAllBytes(kappaLibJar)), kappa, "classes/");
    // iota: found but listed in disabled.txt.
    Path iota = PluginJars.compile(work.resolve("iota"), Map.of(
        "i/IotaStage.java", PluginJars.stage("i", "IotaStage", "iota-stage", "tree", "x")), true);
    PluginJars.jar(iota, plugins.resolve("iota.jar"),
        PluginJars.manifest("iota", "1.0.0", ">=1.0.0"), Set.of());
    Files.writeString(plugins.resolve("disabled.txt"), "# off for now\niota\n");

    extensions = BuiltinStages.registry();
    manager = PluginLoader.load(List.of(plugins, work.resolve("no-such-dir")), extensions);
  }

  private static void zip(Path zip, Map<String, byte[]> files, Path classes, String prefix)
      throws Exception {
    try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip));
        var walk = Files.walk(classes)) {
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        out.putNextEntry(new java.util.zip.ZipEntry(file.getKey()));
        out.write(file.getValue());
        out.closeEntry();
      }
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new java.util.zip.ZipEntry(prefix + classes.relativize(p)));
        out.write(Files.readAllBytes(p));
        out.closeEntry();
      }
    }
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (var walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static PluginReport report(String idOrFile) {
    return extensions.plugins().stream()
        .filter(p -> p.id().equals(idOrFile))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no report for " + idOrFile + ": "
            + extensions.plugins()));
  }

  @Test
  void aGoodPluginAddsItsStageContributionAndOutputType() {
    PluginReport alpha = report("alpha");
    assertEquals(PluginReport.STARTED, alpha.state(), alpha.summary());
    assertEquals("1.0.0", alpha.version());
    assertEquals("tests", alpha.provider());
    assertEquals(">=1.0.0 & <2.0.0", alpha.requires());
    assertEquals(List.of("alpha-stage"), alpha.stages());
    assertEquals(List.of("alpha-stage@before-commit"), alpha.anchors());
    assertEquals(List.of("alpha-out"), alpha.outputTypes());
    assertTrue(extensions.find("alpha-stage").isPresent());
    assertEquals("alpha@1.0.0", extensions.origin("alpha-stage").orElseThrow().spec());
    assertTrue(extensions.origin("configure").isEmpty(), "debforge's own stages have no plugin");
    OutputType out = extensions.outputType("alpha-out").orElseThrow();
    assertEquals("alpha/out.txt", out.directory() + "/" + out.fileName());
    assertEquals(Anchor.BEFORE_COMMIT, extensions.contributions("alpha").get(0).anchor());
    assertTrue(extensions.capabilities().containsAll(
        List.of("plugin:alpha@1.0.0", "type:alpha-out", "type:qcow2")));
  }

  @Test
  void aStageIdThatIsTakenFailsTheLaterPluginOnly() {
    PluginReport beta = report("beta");
    assertEquals(PluginReport.FAILED, beta.state());
    assertEquals("the stage id 'alpha-stage' is taken by plugin alpha 1.0.0 ("
        + plugins.resolve("alpha-1.0.0.jar") + ")", beta.reason());
    PluginReport omega = report("omega");
    assertEquals("the stage id 'configure' is taken by debforge itself", omega.reason());
    assertEquals("alpha@1.0.0", extensions.origin("alpha-stage").orElseThrow().spec());
    assertFalse(extensions.capabilities().contains("plugin:beta@1.0.0"));
  }

  @Test
  void aCorruptJarIsReportedByItsFileName() {
    PluginReport corrupt = report("corrupt.jar");
    assertEquals(PluginReport.FAILED, corrupt.state());
    assertTrue(corrupt.reason().startsWith("cannot be read as a plugin: "), corrupt.reason());
    assertEquals(plugins.resolve("corrupt.jar"), corrupt.path());
  }

  @Test
  void aMissingClassNamesTheExtensionAndTheClass() {
    PluginReport gamma = report("gamma");
    assertEquals(PluginReport.FAILED, gamma.state());
    assertTrue(gamma.reason().startsWith("its extension g.Broken cannot be loaded: "
        + "NoClassDefFoundError g/lib/Base"), gamma.reason());
    assertTrue(extensions.find("gamma-stage").isEmpty());
  }

  @Test
  void aStartThatThrowsFailsThePluginWithItsMessage() {
    PluginReport delta = report("delta");
    assertEquals(PluginReport.FAILED, delta.state());
    assertEquals("it failed to start: IllegalStateException no licence server", delta.reason());
    assertTrue(extensions.find("delta-stage").isEmpty());
  }

  @Test
  void anIncompatibleApiRangeIsRefusedNamingBothVersions() {
    PluginReport zeta = report("zeta");
    assertEquals(PluginReport.FAILED, zeta.state());
    assertEquals(
        "it needs the debforge plugin API >=2.0.0 & <3.0.0, and this debforge has " + PluginApi.VERSION,
        zeta.reason());
  }

  @Test
  void aJarWithoutAnExtensionIndexSaysHowToMakeOne() {
    PluginReport eta = report("eta");
    assertEquals(PluginReport.FAILED, eta.state());
    assertTrue(eta.reason().contains("no META-INF/extensions.idx entries"), eta.reason());
    assertTrue(eta.reason().contains("annotation processor"), eta.reason());
  }

  @Test
  void aDirectoryPluginBundlingTheApiStillSharesDebforgesApi() {
    PluginReport theta = report("theta");
    assertEquals(PluginReport.STARTED, theta.state(), theta.summary());
    Stage<?> stage = extensions.get("theta-stage");
    assertSame(Stage.class.getClassLoader(), stage.getClass().getInterfaces()[0].getClassLoader(),
        "the plugin's Stage is debforge's, not its bundled copy");
  }

  @Test
  void aZipPluginLoadsWithTheLibraryItBundles() throws Exception {
    PluginReport kappa = report("kappa");
    assertEquals(PluginReport.STARTED, kappa.state(), kappa.summary());
    assertEquals("2.0.0", kappa.version());
    assertEquals(plugins.resolve("kappa-2.0.0.zip"), kappa.path());
    Stage<?> stage = extensions.get("kappa-stage");
    assertEquals("from a bundled library",
        stage.getClass().getMethod("greeting").invoke(stage));
  }

  @Test
  void aPluginListedInDisabledTxtIsFoundButNotStarted() {
    PluginReport iota = report("iota");
    assertEquals(PluginReport.DISABLED, iota.state());
    assertTrue(extensions.find("iota-stage").isEmpty());
    assertNull(extensions.startedPlugin("iota").orElse(null));
  }

  @Test
  void everyCandidateIsReportedOnceAndAMissingDirectoryHoldsNothing() {
    assertEquals(
        List.of("alpha", "beta", "corrupt.jar", "delta", "eta", "gamma", "iota", "kappa", "omega",
            "theta", "zeta"),
        extensions.plugins().stream().map(PluginReport::id).toList());
  }
}
