package dev.debforge.stage.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolCall;
import dev.debforge.process.ProcessRunner;
import dev.debforge.stage.TestGpgKey;
import dev.debforge.stage.TestStageContext;
import dev.debforge.stage.ostreecommit.Ostree;
import dev.debforge.stage.ostreecommit.OstreeCommitOptions;
import dev.debforge.stage.ostreecommit.OstreeLayout;
import dev.debforge.store.Trees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deploys a tiny bootable commit with the real ostree, setpriv and cp. Fails, rather than
 * skipping, when a tool is missing. Needs root, as building debforge does.
 */
class DeployStageIT {

  private static final String KVER = "6.1.0-test";
  private static final String ROOT_UUID = "11111111-2222-8333-8444-555555555555";
  private static final String BOOT_UUID = "66666666-7777-8888-9999-aaaaaaaaaaaa";

  private Path work;

  @BeforeEach
  void workDir() throws Exception {
    // Not @TempDir: the deployment root is immutable and only Trees.delete can remove it.
    work = Files.createTempDirectory(Path.of("/var/tmp"), "deploy-it-");
  }

  @AfterEach
  void cleanUp() throws Exception {
    Trees.delete(work);
  }

  @Test
  void deploysACommitWithBootEntryFstabAndSeededVar() throws Exception {
    Path repo = commitFakeImage();
    String commit =
        ProcessRunner.logging(line -> {})
            .run(Ostree.revParse(repo, "debian/test/x86_64"))
            .stdout()
            .strip();
    TestStageContext context =
        new TestStageContext(work.resolve("step"), "amd64")
            .withInput("commit", repo.getParent(), Map.of("commit", commit, "ref", "x"))
            .withInput("tree", repo.getParent(), Map.of("kargs", "console=ttyS0,115200"));
    DeployOptions options =
        new DeployOptions(
            "debian",
            List.of("quiet"),
            ROOT_UUID,
            BOOT_UUID,
            "1234-ABCD",
            "ext4");

    StageOutput out = new DeployStage().run(context, options);

    Path sysroot = context.output().resolve("sysroot");
    String deployment = "ostree/deploy/debian/deploy/" + commit + ".0";
    assertEquals(deployment, out.facts().get("deployment"));
    assertEquals(commit, out.facts().get("commit"));
    assertEquals("debian", out.facts().get("os"));
    assertEquals("boot/loader/entries/ostree-1-debian.conf", out.facts().get("blsEntry"));

    String bootcsum = out.facts().get("bootcsum");
    Path bootDir = sysroot.resolve("boot/ostree/debian-" + bootcsum);
    assertEquals("kernel\n", Files.readString(bootDir.resolve("vmlinuz-" + KVER)));
    assertEquals("initramfs\n", Files.readString(bootDir.resolve("initramfs-" + KVER + ".img")));

    String entry = Files.readString(sysroot.resolve(out.facts().get("blsEntry")));
    assertTrue(
        entry.contains(
            "options console=ttyS0,115200 quiet root=UUID=" + ROOT_UUID + " rw ostree=/ostree/boot.1/debian/"
                + bootcsum + "/0\n"),
        entry);
    assertTrue(entry.contains("linux /ostree/debian-" + bootcsum + "/vmlinuz-" + KVER), entry);

    String fstab = Files.readString(sysroot.resolve(deployment).resolve("etc/fstab"));
    assertTrue(fstab.contains("UUID=" + ROOT_UUID + " / ext4 defaults 0 1\n"), fstab);
    assertTrue(fstab.contains("UUID=1234-ABCD /boot/efi vfat umask=0077"), fstab);
    assertTrue(Files.isDirectory(sysroot.resolve("boot/efi")));

    Path stateVar = sysroot.resolve("ostree/deploy/debian/var");
    assertEquals("installed\n", Files.readString(stateVar.resolve("lib/dpkg/status")));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(stateVar.resolve("roothome"), LinkOption.NOFOLLOW_LINKS)));
    assertEquals(
        "/root's home",
        Files.readString(stateVar.resolve("roothome/.profile")).strip());
    assertTrue(
        context.tools()
            .run(dev.debforge.plugin.ToolCall.of(
                List.of("lsattr", "-d", sysroot.resolve(deployment).toString()),
                java.time.Duration.ofMinutes(1)))
            .stdout()
            .startsWith("----i"),
        "ostree leaves the deployment root immutable");
  }

  /** A composed tree (run) reports no kargs fact: its kargs.d files are read, in name order. */
  @Test
  void aTreeWithoutAKargsFactGivesItsKargsD() throws Exception {
    Path repo = commitFakeImage();
    String commit =
        ProcessRunner.logging(line -> {}).run(Ostree.revParse(repo, "debian/test/x86_64"))
            .stdout().strip();
    Path tree = Files.createDirectories(work.resolve("tree/usr/lib/bootc/kargs.d"));
    Files.writeString(tree.resolve("50-hook-admins.toml"), "kargs = [\"quiet\"]\n");
    Files.writeString(tree.resolve("10-recipe.toml"), "kargs = [\"console=ttyS0,115200\"]\n");
    TestStageContext context =
        new TestStageContext(work.resolve("step"), "amd64")
            .withInput("commit", repo.getParent(), Map.of("commit", commit, "ref", "x"))
            .withInput("tree", work.resolve("tree"), Map.of("kernel", KVER));
    DeployOptions options =
        new DeployOptions("debian", List.of("splash"), ROOT_UUID, BOOT_UUID, "1234-ABCD", "ext4");

    StageOutput out = new DeployStage().run(context, options);

    String entry =
        Files.readString(context.output().resolve("sysroot").resolve(out.facts().get("blsEntry")));
    assertTrue(entry.contains("options console=ttyS0,115200 quiet splash root=UUID=" + ROOT_UUID
        + " rw ostree="), entry);
  }

  @Test
  void createsConfigUsersInTheDeploymentWithHomesInTheStaterootVar() throws Exception {
    Path repo = commitFakeImage();
    String commit =
        ProcessRunner.logging(line -> {})
            .run(Ostree.revParse(repo, "debian/test/x86_64"))
            .stdout()
            .strip();
    TestStageContext context =
        new TestStageContext(work.resolve("step"), "amd64")
            .withInput("commit", repo.getParent(), Map.of("commit", commit, "ref", "x"))
            .withInput("tree", repo.getParent(), Map.of("kargs", ""));
    String hash = "$6$salt$Mk0ExampleHashOnlyForTheTest";
    String key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITest alice@laptop";
    DeployOptions options =
        new DeployOptions(
            "debian", List.of(), ROOT_UUID, BOOT_UUID, "1234-ABCD", "ext4",
            List.of(new DeployOptions.User("alice", hash, List.of(key), List.of("sudo"))),
            null);

    new DeployStage().run(context, options);

    Path sysroot = context.output().resolve("sysroot");
    Path deployRoot = sysroot.resolve("ostree/deploy/debian/deploy/" + commit + ".0");
    String passwd = Files.readString(deployRoot.resolve("etc/passwd"));
    assertTrue(passwd.contains("alice:x:1000:1000::/home/alice:"), passwd);
    assertTrue(
        Files.readString(deployRoot.resolve("etc/shadow")).contains("alice:" + hash + ":"));
    assertTrue(
        Files.readString(deployRoot.resolve("etc/group")).contains("sudo:x:27:alice"),
        Files.readString(deployRoot.resolve("etc/group")));

    Path keys = deployRoot.resolve("var/home/alice/.ssh/authorized_keys");
    assertEquals(key + "\n", Files.readString(keys));
    assertEquals(1000, Files.getAttribute(keys, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(keys, LinkOption.NOFOLLOW_LINKS)));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(keys.getParent(), LinkOption.NOFOLLOW_LINKS)));

    Path stateKeys = sysroot.resolve("ostree/deploy/debian/var/home/alice/.ssh/authorized_keys");
    assertEquals(key + "\n", Files.readString(stateKeys), "the seeded /var holds the home");
    assertEquals(1000, Files.getAttribute(stateKeys, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    assertEquals(
        1000, Files.getAttribute(stateKeys.getParent().getParent(), "unix:uid", LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * With an origin, the sysroot's repository has the remote debforge and its ref on the commit,
   * and the deployment follows that ref; without a ref given, the one the commit was made on.
   */
  @Test
  void anOriginMakesTheDeploymentFollowTheRemotesRef() throws Exception {
    Path repo = commitFakeImage();
    String commit = commitOf(repo);
    TestStageContext context = originContext(repo, commit, "debian/test/x86_64");
    DeployOptions options =
        new DeployOptions(
            "debian", List.of(), ROOT_UUID, BOOT_UUID, "1234-ABCD", "ext4", List.of(),
            new DeployOptions.Origin("file:///mnt/updates/repo", null));

    StageOutput out = new DeployStage().run(context, options);

    assertEquals("debforge:debian/test/x86_64", out.facts().get("origin"));
    Path sysroot = context.output().resolve("sysroot");
    assertEquals(
        "[origin]\nrefspec=debforge:debian/test/x86_64\n",
        Files.readString(sysroot.resolve("ostree/deploy/debian/deploy/" + commit + ".0.origin")));
    assertEquals(
        List.of("debforge", "file:///mnt/updates/repo"),
        List.of(ostree(sysroot, "remote", "list", "-u").split("\\s+")));
    assertEquals(commit, ostree(sysroot, "rev-parse", "debforge:debian/test/x86_64"));
    assertEquals("false", ostree(sysroot, "config", "get", "remote \"debforge\".gpg-verify"));
  }

  /**
   * With an image origin, the deployment follows the image as the updater reads it: the local
   * ref debforge/image on the commit, the image and the digest it was extracted from, no remote;
   * debforge-update status shows both.
   */
  @Test
  void anImageOriginMakesTheDeploymentFollowTheImage() throws Exception {
    Path repo = commitFakeImage();
    String commit = commitOf(repo);
    String digest = "sha256:" + "b".repeat(64);
    TestStageContext context = new TestStageContext(work.resolve("step"), "amd64")
        .withInput("commit", repo.getParent(), Map.of("commit", commit, "ref", "debian/x"))
        .withInput("tree", repo.getParent(), Map.of("kargs", "", "digest", digest));
    DeployOptions options =
        new DeployOptions(
            "debian", List.of(), ROOT_UUID, BOOT_UUID, "1234-ABCD", "ext4", List.of(),
            new DeployOptions.Origin("docker://registry.example.org/os/base:42", null));

    StageOutput out = new DeployStage().run(context, options);

    assertEquals("docker://registry.example.org/os/base:42", out.facts().get("origin"));
    Path sysroot = context.output().resolve("sysroot");
    assertEquals(
        DeployStage.imageOriginText("docker://registry.example.org/os/base:42", digest),
        Files.readString(sysroot.resolve("ostree/deploy/debian/deploy/" + commit + ".0.origin")));
    assertEquals("", ostree(sysroot, "remote", "list"));
    assertEquals(commit, ostree(sysroot, "rev-parse", "debforge/image"));
    Path script = context.scratch().resolve("debforge-update");
    Files.write(script, dev.debforge.stage.configure.Updater.script());
    Process status = new ProcessBuilder("/usr/bin/python3", script.toString(), "--sysroot",
        sysroot.toString(), "status", "--json").redirectErrorStream(true).start();
    String json = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, status.waitFor(), json);
    JsonNode row = new ObjectMapper().readTree(json).get("deployments").get(0);
    assertEquals("docker://registry.example.org/os/base:42", row.get("image").asText(), json);
    assertEquals(digest, row.get("imageDigest").asText(), json);
  }

  /** With the origin's public key, the remote verifies signatures and has the key imported. */
  @Test
  void anOriginKeyIsImportedAndVerificationIsOn() throws Exception {
    try (TestGpgKey key = TestGpgKey.generate("debforge publisher")) {
      Path repo = commitFakeImage();
      TestStageContext context = originContext(repo, commitOf(repo), "debian/test/x86_64");
      String armored = java.util.Base64.getEncoder()
          .encodeToString(Files.readAllBytes(key.publicKey()));
      DeployOptions options =
          new DeployOptions(
              "debian", List.of(), ROOT_UUID, BOOT_UUID, "1234-ABCD", "ext4", List.of(),
              new DeployOptions.Origin("file:///mnt/updates/repo", null, armored));

      new DeployStage().run(context, options);

      Path sysroot = context.output().resolve("sysroot");
      for (String setting : List.of("gpg-verify", "gpg-verify-summary")) {
        assertEquals("true",
            ostree(sysroot, "config", "get", "remote \"debforge\"." + setting), setting);
      }
      String keys = ostree(sysroot, "remote", "gpg-list-keys", "debforge");
      assertTrue(keys.contains("Key: " + key.fingerprint()), keys);
    }
  }

  /** Without an origin the deployment's origin names the commit, as ostree writes it. */
  @Test
  void withoutAnOriginTheDeploymentNamesTheCommit() throws Exception {
    Path repo = commitFakeImage();
    String commit = commitOf(repo);
    TestStageContext context = originContext(repo, commit, "x");

    StageOutput out =
        new DeployStage()
            .run(context,
                new DeployOptions("debian", List.of(), ROOT_UUID, BOOT_UUID, "1234-ABCD", "ext4"));

    assertEquals(null, out.facts().get("origin"));
    String origin =
        Files.readString(context.output().resolve("sysroot/ostree/deploy/debian/deploy/"
            + commit + ".0.origin"));
    assertTrue(origin.contains("\nrefspec=" + commit + "\n"), origin);
    assertTrue(ostree(context.output().resolve("sysroot"), "remote", "list").isBlank(),
        "no remote");
  }

  private static String commitOf(Path repo) throws Exception {
    return ProcessRunner.logging(line -> {}).run(Ostree.revParse(repo, "debian/test/x86_64"))
        .stdout().strip();
  }

  /** The deploy step's inputs for the origin tests: the commit made on {@code ref}. */
  private TestStageContext originContext(Path repo, String commit, String ref)
      throws Exception {
    return new TestStageContext(work.resolve("step"), "amd64")
        .withInput("commit", repo.getParent(), Map.of("commit", commit, "ref", ref))
        .withInput("tree", repo.getParent(), Map.of("kargs", ""));
  }

  /** What an ostree command on the sysroot's repository prints, stripped. */
  private static String ostree(Path sysroot, String... args) throws Exception {
    List<String> argv = new java.util.ArrayList<>(
        List.of("ostree", "--repo=" + sysroot.resolve("ostree/repo")));
    argv.addAll(List.of(args));
    return ProcessRunner.logging(line -> {})
        .run(ToolCall.of(argv, Duration.ofMinutes(1))).stdout().strip();
  }

  /** A bootable root in OSTree's layout, committed to a bare repository. */
  private Path commitFakeImage() throws Exception {
    Path tree = work.resolve("tree");
    Path modules = Files.createDirectories(tree.resolve("usr/lib/modules").resolve(KVER));
    Files.writeString(modules.resolve("vmlinuz"), "kernel\n");
    Files.writeString(modules.resolve("initramfs.img"), "initramfs\n");
    Files.createDirectories(tree.resolve("usr/bin"));
    Files.writeString(tree.resolve("usr/bin/hello"), "#!/bin/sh\necho hello\n");
    Files.createDirectories(tree.resolve("etc"));
    Files.writeString(
        tree.resolve("etc/os-release"), "ID=debian\nPRETTY_NAME=\"Debian Test\"\n");
    Files.writeString(tree.resolve("etc/fstab"), "# image fstab, replaced at install\n");
    Files.writeString(tree.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    Files.writeString(tree.resolve("etc/shadow"), "root:*:19000:0:99999:7:::\n");
    Files.writeString(tree.resolve("etc/group"), "root:x:0:\nsudo:x:27:\n");
    Files.writeString(tree.resolve("etc/gshadow"), "root:*::\nsudo:*::\n");
    Files.setPosixFilePermissions(
        tree.resolve("etc/shadow"), PosixFilePermissions.fromString("rw-r-----"));
    // As in bootc images: /home is a link into /var, which ostree deploys without var/home.
    Files.createSymbolicLink(tree.resolve("home"), Path.of("var/home"));
    Files.createDirectories(tree.resolve("var/lib/dpkg"));
    Files.writeString(tree.resolve("var/lib/dpkg/status"), "installed\n");
    Path roothome = Files.createDirectories(tree.resolve("var/roothome"));
    Files.writeString(roothome.resolve(".profile"), "/root's home\n");
    Files.setPosixFilePermissions(roothome, PosixFilePermissions.fromString("rwx------"));
    Files.createDirectories(tree.resolve("root"));
    Files.createDirectories(tree.resolve("boot"));
    OstreeLayout.convert(tree);

    Path repo = work.resolve("commit/repo");
    Files.createDirectories(repo.getParent());
    ProcessRunner tools = ProcessRunner.logging(line -> {});
    tools.run(Ostree.init(repo, "bare"));
    tools.run(
        Ostree.commit(
            repo, tree, new OstreeCommitOptions("debian/test/x86_64", "1", "test", 0L)));
    return repo;
  }
}
