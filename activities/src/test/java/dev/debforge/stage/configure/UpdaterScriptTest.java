package dev.debforge.stage.configure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.oci.LayoutFixture;
import dev.debforge.oci.OciMediaTypes;
import dev.debforge.oci.Registry;
import dev.debforge.stage.TestGpgKey;
import dev.debforge.store.Sha256;
import dev.debforge.store.Trees;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The updater script the image carries ({@link Updater}), run with Debian's python3 and libostree
 * against a real OSTree sysroot in a directory (its {@code --sysroot} mode, which deploys at once
 * instead of staging for a shutdown): a disk deployed from a commit, as {@code build} makes it,
 * switched to a published repository, upgraded, rolled back. What the booted system does with
 * the same commands is tested by booting a disk (DiskBootIT).
 */
class UpdaterScriptTest {

  private static final String REF = "debian/bookworm/x86_64";
  private static final ObjectMapper JSON = new ObjectMapper();

  // Not @TempDir: a deployment root is immutable and only Trees.delete removes it.
  private Path dir;
  private Path published;
  private Path sysroot;
  private Path script;
  // What the commands run with besides this JVM's environment.
  private final Map<String, String> environment = new LinkedHashMap<>();

  @BeforeEach
  void aDiskDeployedFromCommitOne() throws Exception {
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "updater-test-");
    published = dir.resolve("published");
    sysroot = dir.resolve("sysroot");
    script = dir.resolve("debforge-update");
    Files.write(script, Updater.script());
    ostree("init", "--repo=" + published, "--mode=archive");
    String first = commit(1, "shipped");
    Files.createDirectories(sysroot);
    ostree("admin", "init-fs", "--modern", sysroot.toString());
    ostree("--repo=" + repo(), "config", "set", "sysroot.bootloader", "none");
    ostree("--repo=" + repo(), "pull-local", published.toString(), first);
    ostree("admin", "os-init", "--sysroot=" + sysroot, "debian");
    ostree("admin", "deploy", "--sysroot=" + sysroot, "--os=debian", "--karg-append=quiet",
        first);
    // debforge's boot menu generator, as the bootloader step puts it on /boot: with it the
    // updater counts boots (the repository's sysroot.bootloader=none keeps ostree from
    // running it here).
    Path generator = Files.createDirectories(sysroot.resolve("boot/grub"))
        .resolve("debforge-grub-menu");
    Files.writeString(generator, "#!/bin/sh\nexit 1\n");
    Files.setPosixFilePermissions(generator, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void cleanUp() throws IOException {
    Trees.delete(dir);
  }

  @Test
  void switchUpgradeAndRollBack() throws Exception {
    String first = deployments().get(0).get("commit").asText();
    Path firstEtc = sysroot.resolve("ostree/deploy/debian/deploy/" + first + ".0/etc");
    Files.writeString(firstEtc.resolve("written-here"), "local\n");

    Result noSource = update("upgrade");
    assertEquals(1, noSource.status, noSource.text());
    assertTrue(noSource.stderr.contains("has no source to update from"), noSource.text());
    assertTrue(noSource.stderr.contains("debforge-update switch"), noSource.text());

    String second = commit(2, "shipped again");
    Result switched = update("switch", "file://" + published);
    assertEquals(0, switched.status, switched.text());
    List<JsonNode> rows = deployments();
    assertEquals(2, rows.size(), rows.toString());
    assertRow(rows.get(0), "default", second, "2", "debforge:" + REF);
    assertEquals("file://" + published, rows.get(0).get("source").asText());
    assertRow(rows.get(1), "rollback", first, "1", first);
    Path secondRoot = sysroot.resolve("ostree/deploy/debian/deploy/" + second + ".0");
    assertEquals("local\n", Files.readString(secondRoot.resolve("etc/written-here")));
    assertEquals("shipped again\n", Files.readString(secondRoot.resolve("etc/motd")));
    assertTrue(entryOptions().stream().allMatch(o -> o.startsWith("quiet ")), entryOptions()
        .toString());
    assertEquals("debforge_tries=3", grubEnv(), "the new deployment is on trial");
    assertTrue(switched.stdout.contains("on trial for 3 boots"), switched.text());

    Result same = update("upgrade");
    assertEquals(0, same.status, same.text());
    assertTrue(same.stdout.contains("deployed already"), same.text());
    assertEquals(0, update("upgrade", "--check").status);

    String third = commit(3, "shipped a third time");
    Result check = update("upgrade", "--check");
    assertEquals(3, check.status, check.text());
    assertTrue(check.stdout.contains("update available: " + third + " (version 3)"),
        check.text());
    assertEquals(2, deployments().size(), "--check deploys nothing");
    Result upgraded = update("upgrade");
    assertEquals(0, upgraded.status, upgraded.text());
    rows = deployments();
    assertEquals(2, rows.size(), rows.toString());
    assertRow(rows.get(0), "default", third, "3", "debforge:" + REF);
    assertRow(rows.get(1), "rollback", second, "2", "debforge:" + REF);

    Result back = update("rollback");
    assertEquals(0, back.status, back.text());
    assertTrue(back.stdout.contains("the next boot runs " + second + ".0"), back.text());
    rows = deployments();
    assertRow(rows.get(0), "default", second, "2", "debforge:" + REF);
    assertRow(rows.get(1), "rollback", third, "3", "debforge:" + REF);
    assertEquals("", grubEnv(), "the deployment rolled back to is no trial");
  }

  /**
   * GRUB's part, played by grub-editenv: the trial's boots are used up and the menu fell back to
   * the rollback. The boot that reaches boot-complete.target makes the fallback permanent and
   * status says what failed; a trial boot that reaches it just ends the trial.
   */
  @Test
  void aTrialThatFailsIsRolledBackAndStatusSaysSo() throws Exception {
    String first = deployments().get(0).get("commit").asText();
    String second = commit(2, "second");
    Result switched = update("switch", "--boot-tries", "1", published.toString());
    assertEquals(0, switched.status, switched.text());
    assertEquals("debforge_tries=1", grubEnv());
    Result onTrial = update("status");
    assertTrue(onTrial.stdout.contains("on trial: the default deployment has 1 boot left"),
        onTrial.text());

    grubEditenv("set", "debforge_tries=0", "debforge_fallback=1");
    Result complete = update("boot-complete");
    assertEquals(0, complete.status, complete.text());
    assertTrue(complete.stdout.contains("automatic rollback: " + second + ".0 did not reach"),
        complete.text());
    List<JsonNode> rows = deployments();
    assertRow(rows.get(0), "default", first, "1", first);
    assertRow(rows.get(1), "rollback", second, "2", "debforge:" + REF);
    assertEquals("debforge_rolled_back_from=" + second, grubEnv());
    Result said = update("status", "--json");
    assertEquals(second, JSON.readTree(said.stdout).get("automaticRollbackFrom").asText());
    assertTrue(update("status").stdout.contains("automatic rollback: " + second
        + " did not reach boot-complete.target"));

    String third = commit(3, "third");
    // The default is the first deployment again, whose origin is its commit: switch.
    Result again = update("switch", "--boot-tries", "2", published.toString());
    assertEquals(0, again.status, again.text());
    assertEquals("debforge_tries=2", grubEnv(), "a new trial forgets the old rollback");
    grubEditenv("set", "debforge_tries=1");
    Result good = update("boot-complete");
    assertEquals(0, good.status, good.text());
    assertTrue(good.stdout.contains("its trial is over"), good.text());
    assertEquals("", grubEnv());
    assertEquals(third, deployments().get(0).get("commit").asText());
    assertEquals(2, update("upgrade", "--boot-tries", "4").status, "1 to 3 boots");
    assertEquals(3, deployments().size() + 1, "nothing deployed by a refused command");
  }

  @Test
  void aSourceThatIsNoRepositoryIsRefusedAndTheOriginStays() throws Exception {
    commit(2, "second");
    assertEquals(0, update("switch", published.toString()).status);
    Path notARepo = Files.createDirectories(dir.resolve("empty"));
    Result refused = update("switch", notARepo.toString());
    assertEquals(1, refused.status, refused.text());
    assertTrue(refused.stderr.contains(notARepo + " is not an OSTree repository"),
        refused.text());
    Result unreadable = update("switch", "file://" + notARepo);
    assertEquals(1, unreadable.status, unreadable.text());
    assertTrue(ostree("--repo=" + repo(), "remote", "show-url", "debforge")
        .contains("file://" + published), "the old source is put back");
    assertEquals(2, deployments().size());
  }

  /**
   * switch --gpg-key: a repository signed with the key is switched to, and the remote keeps
   * verifying with it; one that is not signed is refused with the reason on one line, and the
   * remote the system had, with its key and its verification, still works.
   */
  @Test
  void switchWithAKeyPullsOnlyWhatItSigned() throws Exception {
    try (TestGpgKey key = TestGpgKey.generate("debforge publisher")) {
      String second = commit(2, "second");
      sign(key, second);
      Result switched = update("switch", "--gpg-key", key.publicKey().toString(),
          "file://" + published);
      assertEquals(0, switched.status, switched.text());
      assertEquals(second, deployments().get(0).get("commit").asText());
      assertEquals("true", ostree("--repo=" + repo(), "config", "get",
          "remote \"debforge\".gpg-verify").strip());
      assertTrue(ostree("--repo=" + repo(), "remote", "gpg-list-keys", "debforge")
          .contains(key.fingerprint()));
      assertFalse(ostree("--repo=" + repo(), "remote", "list").contains("debforge-switch"));

      Path unsigned = dir.resolve("unsigned");
      ostree("init", "--repo=" + unsigned, "--mode=archive");
      ostree("--repo=" + unsigned, "pull-local", published.toString(), REF);
      ostree("--repo=" + unsigned, "summary", "-u");
      Result refused = update("switch", "--gpg-key", key.publicKey().toString(),
          "file://" + unsigned);
      assertEquals(1, refused.status, refused.text());
      assertTrue(refused.stderr.contains("debforge-update: file://" + unsigned
          + " is not signed with the key in " + key.publicKey() + " ("), refused.text());

      assertEquals("file://" + published,
          ostree("--repo=" + repo(), "remote", "show-url", "debforge").strip());
      String third = commit(3, "third");
      sign(key, third);
      Result upgraded = update("upgrade");
      assertEquals(0, upgraded.status, upgraded.text());
      assertEquals(third, deployments().get(0).get("commit").asText());

      commit(4, "fourth, unsigned");
      Result notSigned = update("upgrade");
      assertEquals(1, notSigned.status, notSigned.text());
      assertTrue(notSigned.stderr.contains("GPG"), notSigned.text());
    }
  }

  @Test
  void aKeyFileThatCannotBeReadIsRefused() throws Exception {
    Result missing = update("switch", "--gpg-key", dir.resolve("nope.asc").toString(),
        "file://" + published);
    assertEquals(1, missing.status, missing.text());
    assertTrue(missing.stderr.contains("cannot read the GPG key file " + dir.resolve("nope.asc")),
        missing.text());
  }

  /** Signs a commit of the published repository and its summary, as publish-ostree does. */
  private void sign(TestGpgKey key, String commit) throws Exception {
    ostree("--repo=" + published, "gpg-sign", "--gpg-homedir=" + key.homedir(), commit,
        key.fingerprint());
    ostree("--repo=" + published, "summary", "-u", "--gpg-sign=" + key.fingerprint(),
        "--gpg-homedir=" + key.homedir());
  }

  @Test
  void aRepositoryWithSeveralRefsNeedsOneNamed() throws Exception {
    commit(2, "second");
    Path tree = tree(9, "other");
    ostree("--repo=" + published, "commit", "--branch=debian/trixie/x86_64",
        "--tree=dir=" + tree);
    ostree("--repo=" + published, "summary", "-u");
    Result ambiguous = update("switch", "file://" + published);
    assertEquals(1, ambiguous.status, ambiguous.text());
    assertTrue(ambiguous.stderr.contains("the refs debian/bookworm/x86_64, debian/trixie/x86_64"),
        ambiguous.text());
    assertEquals(0, update("switch", "file://" + published, REF).status);
    assertEquals("debforge:" + REF, deployments().get(0).get("origin").asText());
  }

  /**
   * An image source: the image is copied by skopeo, its layers applied with their whiteout, its
   * tree arranged as build arranges it and committed; the deployment's origin names the image
   * and its digest, which upgrade compares. The kernel arguments its kargs.d adds are added, those
   * it drops are dropped, the disk's own stay.
   */
  @Test
  void anImageIsCommittedStagedAndUpgradedByItsDigest() throws Exception {
    String first = deployments().get(0).get("commit").asText();
    Files.writeString(deployed(first).resolve("etc/written-here"), "local\n");
    Path layout = dir.resolve("layout");
    image(layout, "1.1", "image one", "\"quiet\", \"image=1\", \"gone=1\"", true);
    String source = "oci:" + layout;

    Result switched = update("switch", source);
    assertEquals(0, switched.status, switched.text());
    List<JsonNode> rows = deployments();
    assertEquals(2, rows.size(), rows.toString());
    String one = rows.get(0).get("commit").asText();
    assertEquals(source, rows.get(0).get("image").asText(), rows.toString());
    assertEquals(manifestDigest(layout), rows.get(0).get("imageDigest").asText());
    assertEquals("1.1", rows.get(0).get("version").asText());
    assertTrue(rows.get(1).get("image").isNull(), rows.toString());
    assertTrue(switched.stdout.startsWith("deployed " + source + " (" + manifestDigest(layout)
        + ") (" + one + ", version 1.1)"), switched.text());
    Path root = deployed(one);
    assertEquals("image one\n", Files.readString(root.resolve("usr/etc/motd")));
    assertEquals("local\n", Files.readString(root.resolve("etc/written-here")), "/etc merged");
    assertEquals("1.1\n", Files.readString(root.resolve("usr/share/added")));
    assertFalse(Files.exists(root.resolve("usr/share/gone")), "the whiteout removed it");
    assertFalse(Files.exists(root.resolve("usr/share/.wh.gone")));
    assertEquals(Path.of("doc"), Files.readSymbolicLink(root.resolve("usr/share/was-a-dir")),
        "the layer's link replaced the directory below");
    try (Stream<Path> doc = Files.list(root.resolve("usr/share/doc"))) {
      assertEquals(List.of("new"), doc.map(p -> p.getFileName().toString()).toList(),
          "the opaque whiteout hid the layer below's content, the layer's own stays");
    }
    assertEquals(Path.of("var/home"), Files.readSymbolicLink(root.resolve("home")));
    assertEquals(List.of("quiet image=1 gone=1"), entryOptions(one),
        "kargs.d's new arguments added");
    assertEquals("debforge_tries=3", grubEnv());

    Result same = update("upgrade");
    assertEquals(0, same.status, same.text());
    assertTrue(same.stdout.contains("no update (" + manifestDigest(layout) + " is deployed)"),
        same.text());
    Result again = update("switch", source);
    assertEquals(0, again.status, again.text());
    assertTrue(again.stdout.contains("which is deployed already"), again.text());
    assertEquals(2, deployments().size(), "the same image is not deployed twice");
    assertEquals(0, update("upgrade", "--check").status);

    image(layout, "1.2", "image two", "\"quiet\", \"image=2\"", true);
    Result check = update("upgrade", "--check");
    assertEquals(3, check.status, check.text());
    assertTrue(check.stdout.contains("update available: " + manifestDigest(layout)),
        check.text());
    Result upgraded = update("upgrade");
    assertEquals(0, upgraded.status, upgraded.text());
    rows = deployments();
    String two = rows.get(0).get("commit").asText();
    assertEquals("1.2", rows.get(0).get("version").asText());
    assertEquals(manifestDigest(layout), rows.get(0).get("imageDigest").asText());
    assertEquals(one, rows.get(1).get("commit").asText(), "the first image is the rollback");
    assertEquals("image two\n", Files.readString(deployed(two).resolve("usr/etc/motd")));
    assertEquals(List.of("quiet image=2"), entryOptions(two),
        "image=1 and gone=1 dropped, image=2 added");
    Result status = update("status");
    assertTrue(status.stdout.contains("    image:   " + source + "\n    digest:  "
        + manifestDigest(layout) + "\n"), status.text());

    // Back to an OSTree repository: the origin is its ref again.
    String second = commit(2, "second");
    Result repository = update("switch", "file://" + published);
    assertEquals(0, repository.status, repository.text());
    rows = deployments();
    assertRow(rows.get(0), "default", second, "2", "debforge:" + REF);
    assertTrue(rows.get(0).get("image").isNull(), rows.toString());
    assertEquals(List.of("quiet"), entryOptions(second), "image=2 is not in its kargs.d");
  }

  /**
   * The bootc way: the machine follows a tag in a registry (Debian's docker-registry on
   * loopback, served over plain http and named so in a registries.conf of the test's own, as an
   * administrator would in /etc/containers/registries.conf.d). upgrade --check reads the tag's
   * digest without copying the image; upgrade stages the image the tag moved to.
   */
  @Test
  void anImageIsFollowedInARegistry() throws Exception {
    try (Registry registry = Registry.start(dir.resolve("registry"))) {
      String tag = registry.reference("debian/os:latest");
      String host = tag.substring("docker://".length(), tag.indexOf('/', "docker://".length()));
      Path conf = Files.writeString(dir.resolve("registries.conf"),
          "[[registry]]\nlocation = \"" + host + "\"\ninsecure = true\n");
      environment.put("CONTAINERS_REGISTRIES_CONF", conf.toString());
      Path layout = dir.resolve("layout");
      push(image(layout, "2.1", "from the registry", "\"quiet\"", true), tag);

      Result switched = update("switch", tag);
      assertEquals(0, switched.status, switched.text());
      JsonNode row = deployments().get(0);
      assertEquals(tag, row.get("image").asText(), row.toString());
      String first = row.get("imageDigest").asText();
      assertEquals(digestIn(tag), first);
      assertEquals("2.1", row.get("version").asText());
      assertEquals("from the registry\n", Files.readString(
          deployed(row.get("commit").asText()).resolve("usr/etc/motd")));
      assertEquals(0, update("upgrade", "--check").status);

      push(image(layout, "2.2", "moved", "\"quiet\"", true), tag);
      Result check = update("upgrade", "--check");
      assertEquals(3, check.status, check.text());
      Result upgraded = update("upgrade");
      assertEquals(0, upgraded.status, upgraded.text());
      List<JsonNode> rows = deployments();
      assertEquals(digestIn(tag), rows.get(0).get("imageDigest").asText());
      assertEquals("2.2", rows.get(0).get("version").asText());
      assertEquals(first, rows.get(1).get("imageDigest").asText(), "the rollback");
    }
  }

  private void push(Path layout, String tag) throws Exception {
    Result pushed = exec(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false",
        "oci:" + layout, tag));
    assertEquals(0, pushed.status, pushed.text());
  }

  /** The digest the registry serves for a tag, as skopeo reports it. */
  private String digestIn(String tag) throws Exception {
    Result inspected = exec(List.of("skopeo", "inspect", "--tls-verify=false", tag));
    assertEquals(0, inspected.status, inspected.text());
    return JSON.readTree(inspected.stdout).get("Digest").asText();
  }

  @Test
  void anImageThatIsNotBootableIsRefused() throws Exception {
    Path layout = image(dir.resolve("layout"), "1", "plain", "\"quiet\"", false);
    Result refused = update("switch", "oci:" + layout);
    assertEquals(1, refused.status, refused.text());
    assertTrue(refused.stderr.contains("oci:" + layout + " is not a bootable container image"),
        refused.text());
    assertEquals(1, deployments().size());
    assertEquals(List.of(), Files.list(repo().resolve("tmp")).filter(
        p -> p.getFileName().toString().startsWith("debforge-update-")).toList(),
        "nothing is left behind");
    Result missing = update("switch", "oci:" + dir.resolve("nothing"));
    assertEquals(1, missing.status, missing.text());
    assertTrue(missing.stderr.contains("cannot read oci:" + dir.resolve("nothing")),
        missing.text());
    Result withRef = update("switch", "oci:" + layout, REF);
    assertEquals(1, withRef.status, withRef.text());
    assertTrue(withRef.stderr.contains("REF and --gpg-key are for OSTree repositories"),
        withRef.text());
  }

  /**
   * A layer that names a path beneath a link of the layer below is refused before anything is
   * unpacked: tar would follow the link out of the tree, into the running system.
   */
  @Test
  void aLayerWritingThroughALinkIsRefused() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Path base = dir.resolve("escape-base");
    Path modules = Files.createDirectories(base.resolve("usr/lib/modules/6.1.0-28-amd64"));
    Files.writeString(modules.resolve("vmlinuz"), "kernel");
    Files.createSymbolicLink(base.resolve("esc"), outside);
    Path top = dir.resolve("escape-top");
    Files.writeString(Files.createDirectories(top.resolve("esc")).resolve("f"), "written\n");
    Path topTar = Path.of(top + ".tar");
    Result made = exec(List.of("tar", "--create", "--file=" + topTar, "--directory=" + top,
        "./esc/f"));
    assertEquals(0, made.status, made.text());
    List<Path> tars = List.of(tar(base), topTar);
    Path layout = LayoutFixture.write(dir.resolve("escape"), tars, OciMediaTypes.LAYER_TAR_GZIP,
        List.of(LayoutFixture.diffId(tars.get(0)), LayoutFixture.diffId(tars.get(1))),
        UpdaterScriptTest::gzip, Map.of("containers.bootc", "1"));
    Result refused = update("switch", "oci:" + layout);
    assertEquals(1, refused.status, refused.text());
    assertTrue(refused.stderr.contains("has esc/f beneath the link /esc"), refused.text());
    assertFalse(Files.exists(outside.resolve("f")), "nothing was written through the link");
    assertEquals(1, deployments().size());
  }

  /** The updater arranges an image's tree exactly as build's ostree-commit step does. */
  @Test
  void theUpdaterArrangesATreeAsBuildDoes() throws Exception {
    Path tree = dir.resolve("plain");
    Files.writeString(Files.createDirectories(tree.resolve("etc/default")).resolve("grub"), "g");
    Files.writeString(Files.createDirectories(tree.resolve("home/debian")).resolve("a"), "a");
    Files.writeString(Files.createDirectories(tree.resolve("root")).resolve(".profile"), "p");
    Files.writeString(Files.createDirectories(tree.resolve("var/opt")).resolve("kept"), "k");
    Files.writeString(Files.createDirectories(tree.resolve("opt/app")).resolve("bin"), "b");
    Files.createDirectories(tree.resolve("usr/local/bin"));
    Files.createDirectories(tree.resolve("media/cdrom"));
    Files.writeString(Files.createDirectories(tree.resolve("boot")).resolve("vmlinuz"), "k");
    Files.writeString(Files.createDirectories(tree.resolve("tmp")).resolve("x"), "x");
    Files.createDirectories(tree.resolve("srv"));
    Files.createSymbolicLink(tree.resolve("mnt"), Path.of("var/mnt"));
    Path byJava = dir.resolve("by-java");
    Path byPython = dir.resolve("by-python");
    assertEquals(0, exec(List.of("cp", "-a", tree.toString(), byJava.toString())).status);
    assertEquals(0, exec(List.of("cp", "-a", tree.toString(), byPython.toString())).status);
    dev.debforge.stage.ostreecommit.OstreeLayout.convert(byJava);
    Result python = exec(List.of("/usr/bin/python3", "-c",
        "import importlib.machinery, sys\n"
            + "loader = importlib.machinery.SourceFileLoader('updater', sys.argv[1])\n"
            + "loader.load_module().to_ostree_layout(sys.argv[2])\n",
        script.toString(), byPython.toString()));
    assertEquals(0, python.status, python.text());
    assertEquals(listing(byJava), listing(byPython));
    assertTrue(listing(byJava).contains("usr/local -> ../var/usrlocal"), listing(byJava));
  }

  /** Every path under root with its kind: a link's target, "/" for a directory. */
  private static String listing(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      StringBuilder text = new StringBuilder();
      for (Path path : paths.sorted().toList()) {
        String name = root.relativize(path).toString();
        if (Files.isSymbolicLink(path)) {
          text.append(name).append(" -> ").append(Files.readSymbolicLink(path));
        } else if (Files.isDirectory(path)) {
          text.append(name).append('/');
        } else {
          text.append(name).append(' ').append(Files.readString(path));
        }
        text.append('\n');
      }
      return text.toString();
    }
  }

  @Test
  void rollbackWithOneDeploymentSaysThereIsNone() throws Exception {
    Result none = update("rollback");
    assertEquals(1, none.status, none.text());
    assertTrue(none.stderr.contains("there is no deployment to roll back to"), none.text());
  }

  @Test
  void helpNamesEveryCommand() throws Exception {
    Result help = update("--help");
    assertEquals(0, help.status, help.text());
    for (String command : List.of("status", "upgrade", "switch SOURCE [REF]", "rollback")) {
      assertTrue(help.stdout.contains(command), help.text());
    }
  }

  @Test
  void installRefusesAScriptOtherThanThePlans() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    assertThrows(IllegalStateException.class, () -> Updater.install(root, "0".repeat(64)));
    Updater.install(root, Updater.sha256());
    Path installed = root.resolve(Updater.PATH);
    assertTrue(Files.isExecutable(installed));
    assertEquals(Sha256.hex(Updater.script()), Sha256.ofFile(installed));
    assertTrue(Files.readString(root.resolve(Updater.UNIT_PATH))
        .contains("ExecStart=/usr/bin/debforge-update boot-complete\n"));
  }

  private static void assertRow(
      JsonNode row, String role, String commit, String version, String origin) {
    assertEquals(role, row.get("role").asText(), row.toString());
    assertEquals(commit, row.get("commit").asText(), row.toString());
    assertEquals(version, row.get("version").asText(), row.toString());
    assertEquals(origin, row.get("origin").asText(), row.toString());
    assertFalse(row.get("pinned").asBoolean(), row.toString());
  }

  /** The variables of GRUB's environment block on /boot, as grub-editenv reads it. */
  private String grubEnv() throws Exception {
    Path env = sysroot.resolve("boot/grub/grubenv");
    assertEquals(1024, Files.size(env), "GRUB's block is 1024 bytes");
    return grubEditenv("list").strip();
  }

  private String grubEditenv(String... args) throws Exception {
    List<String> argv = new ArrayList<>(
        List.of("grub-editenv", sysroot.resolve("boot/grub/grubenv").toString()));
    argv.addAll(List.of(args));
    Result result = exec(argv);
    assertEquals(0, result.status, argv + "\n" + result.text());
    return result.stdout;
  }

  private List<JsonNode> deployments() throws Exception {
    Result status = update("status", "--json");
    assertEquals(0, status.status, status.text());
    List<JsonNode> rows = new ArrayList<>();
    JSON.readTree(status.stdout).get("deployments").forEach(rows::add);
    return rows;
  }

  /**
   * The kernel arguments of the boot entry of a commit's deployment, without {@code ostree=},
   * whose path leads to the deployment.
   */
  private List<String> entryOptions(String commit) throws IOException {
    List<String> found = new ArrayList<>();
    for (String options : entryOptions()) {
      Matcher path = Pattern.compile("ostree=(\\S+)").matcher(options);
      assertTrue(path.find(), options);
      Path deployment = sysroot.resolve(path.group(1).substring(1)).toRealPath();
      if (deployment.getFileName().toString().startsWith(commit + ".")) {
        found.add(options.replaceAll(" ?ostree=\\S+", ""));
      }
    }
    return found;
  }

  private List<String> entryOptions() throws IOException {
    try (Stream<Path> files = Files.list(sysroot.resolve("boot/loader/entries"))) {
      List<String> options = new ArrayList<>();
      for (Path file : files.toList()) {
        Files.readAllLines(file).stream()
            .filter(l -> l.startsWith("options "))
            .forEach(l -> options.add(l.substring("options ".length())));
      }
      return options;
    }
  }

  /** Commits a tiny bootable tree on {@link #REF} in the published repository. */
  private String commit(int version, String motd) throws Exception {
    Path tree = tree(version, motd);
    String commit = ostree("--repo=" + published, "commit", "--branch=" + REF,
        "--tree=dir=" + tree, "--add-metadata-string=version=" + version).strip();
    ostree("--repo=" + published, "summary", "-u");
    return commit;
  }

  private Path tree(int version, String motd) throws IOException {
    Path tree = dir.resolve("tree" + version);
    Path modules = Files.createDirectories(tree.resolve("usr/lib/modules/6.1.0-28-amd64"));
    Files.writeString(modules.resolve("vmlinuz"), "kernel " + version);
    Files.writeString(modules.resolve("initramfs.img"), "initramfs " + version);
    Files.writeString(tree.resolve("usr/lib/os-release"), "ID=debian\nVERSION_ID=12\n");
    Files.createDirectories(tree.resolve("usr/etc"));
    Files.writeString(tree.resolve("usr/etc/motd"), motd + "\n");
    // The kernel argument the disk was deployed with, as the image's kargs.d asks for it.
    Files.writeString(Files.createDirectories(tree.resolve("usr/lib/bootc/kargs.d"))
        .resolve("10-recipe.toml"), "kargs = [\"quiet\"]\n");
    return tree;
  }

  /**
   * A bootable image as compose makes it, in an OCI layout: a plain root file system (its
   * configuration in /etc, a home directory) with the kernel arguments {@code kargs} in
   * kargs.d, and a second layer that removes /usr/share/gone with a whiteout, hides the content
   * of /usr/share/doc with an opaque one and adds files.
   */
  private Path image(Path layout, String version, String motd, String kargs, boolean bootc)
      throws Exception {
    Path base = dir.resolve("image-" + version + "-base");
    Path modules = Files.createDirectories(base.resolve("usr/lib/modules/6.1.0-28-amd64"));
    Files.writeString(modules.resolve("vmlinuz"), "kernel " + version);
    Files.writeString(modules.resolve("initramfs.img"), "initramfs " + version);
    Files.writeString(base.resolve("usr/lib/os-release"), "ID=debian\nVERSION_ID=12\n");
    Files.writeString(Files.createDirectories(base.resolve("etc")).resolve("motd"), motd + "\n");
    Files.writeString(Files.createDirectories(base.resolve("usr/lib/bootc/kargs.d"))
        .resolve("10-recipe.toml"), "kargs = [" + kargs + "]\n");
    Files.writeString(Files.createDirectories(base.resolve("home/debian")).resolve("note"), "n\n");
    Files.writeString(Files.createDirectories(base.resolve("usr/share")).resolve("gone"), "g\n");
    Files.writeString(Files.createDirectories(base.resolve("usr/share/doc")).resolve("old"), "o");
    Files.writeString(Files.createDirectories(base.resolve("usr/share/was-a-dir")).resolve("f"),
        "f");
    Files.createDirectories(base.resolve("boot"));
    Path top = dir.resolve("image-" + version + "-top");
    Path share = Files.createDirectories(top.resolve("usr/share"));
    Files.writeString(share.resolve(".wh.gone"), "");
    Files.writeString(share.resolve("added"), version + "\n");
    Path doc = Files.createDirectories(share.resolve("doc"));
    Files.writeString(doc.resolve(".wh..wh..opq"), "");
    Files.writeString(doc.resolve("new"), "n");
    // A directory below becomes a link here, as dpkg's dir_to_symlink makes it.
    Files.createSymbolicLink(share.resolve("was-a-dir"), Path.of("doc"));
    List<Path> tars = List.of(tar(base), tar(top));
    List<String> diffIds = new ArrayList<>();
    for (Path tar : tars) {
      diffIds.add(LayoutFixture.diffId(tar));
    }
    Trees.delete(layout);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("org.opencontainers.image.version", version);
    if (bootc) {
      labels.put("containers.bootc", "1");
    }
    return LayoutFixture.write(layout, tars, OciMediaTypes.LAYER_TAR_GZIP, diffIds,
        UpdaterScriptTest::gzip, labels);
  }

  private Path tar(Path tree) throws Exception {
    Path tar = Path.of(tree + ".tar");
    Result made = exec(List.of("tar", "--create", "--file=" + tar, "--numeric-owner",
        "--owner=0", "--group=0", "--directory=" + tree, "."));
    assertEquals(0, made.status, made.text());
    return tar;
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String manifestDigest(Path layout) throws Exception {
    return "sha256:" + LayoutFixture.manifestBlob(layout).getFileName();
  }

  private Path deployed(String commit) {
    return sysroot.resolve("ostree/deploy/debian/deploy/" + commit + ".0");
  }

  private Path repo() {
    return sysroot.resolve("ostree/repo");
  }

  private record Result(int status, String stdout, String stderr) {
    String text() {
      return "exit " + status + "\n" + stdout + "\n" + stderr;
    }
  }

  /**
   * Runs the script as the image runs it (/usr/bin/python3), without CAP_SYS_ADMIN: ostree
   * freezes the file system holding boot/ when it can, and here that is the test machine's.
   */
  private Result update(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("setpriv", "--bounding-set=-sys_admin",
        "--inh-caps=-sys_admin", "/usr/bin/python3", script.toString(), "--sysroot",
        sysroot.toString()));
    argv.addAll(List.of(args));
    return exec(argv);
  }

  private String ostree(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("setpriv", "--bounding-set=-sys_admin",
        "--inh-caps=-sys_admin", "ostree"));
    argv.addAll(List.of(args));
    Result result = exec(argv);
    assertEquals(0, result.status, argv + "\n" + result.text());
    return result.stdout;
  }

  private Result exec(List<String> argv) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(argv)
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + argv);
    }
    return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
