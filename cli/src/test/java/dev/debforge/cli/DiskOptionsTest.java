package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.activity.BuiltinStages;
import dev.debforge.extension.Extensions;
import dev.debforge.plan.BuildRequest;
import dev.debforge.stage.deploy.DeployOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DiskOptionsTest {

  @Test
  void mapsAConfigFileIntoTheBuildRequest(@TempDir Path dir) throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("config.toml"),
            """
            [[customizations.user]]
            name = "alice"
            key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ4eXZ6d3h5enh5enh5enh5enh5enh5enh5enh5 alice"
            [customizations.kernel]
            append = "console=ttyS0 quiet"
            [[customizations.filesystem]]
            mountpoint = "/"
            minsize = "12 GiB"
            """);
    BuildCommand command = new BuildCommand();
    new CommandLine(command)
        .parseArgs("oci:/img", "--karg", "nomodeset", "--config", config.toString());
    BuildRequest request =
        command.disks.applyConfig(
            BuildRequest.build("oci:/img", "/out", List.of("qcow2"), "amd64", 0L)
                .withDisks("ext4", null, command.disks.kernelArgs));
    assertEquals(List.of("nomodeset", "console=ttyS0", "quiet"), request.kernelArgs());
    assertEquals(12L << 30, request.minRootBytes());
    assertEquals("alice", request.users().get(0).name());
    assertEquals(
        List.of("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ4eXZ6d3h5enh5enh5enh5enh5enh5enh5enh5 alice"),
        request.users().get(0).keys());
  }

  @Test
  void aBadConfigIsAUserError(@TempDir Path dir) throws Exception {
    Path config =
        Files.writeString(dir.resolve("c.json"), "{\"customizations\": {\"hostname\": \"x\"}}");
    RunCommand command = new RunCommand();
    new CommandLine(command).parseArgs("recipe.yaml", "--config", config.toString());
    UserError e =
        assertThrows(
            UserError.class,
            () ->
                command.disks.applyConfig(
                    BuildRequest.run("r", "", "/out", List.of("qcow2"), "amd64", 0L)));
    assertTrue(
        e.getMessage().startsWith(config + ":1:21: customizations.hostname: unknown key"),
        e.getMessage());
  }

  @Test
  void originGpgKeyCarriesTheKeyFilesBytes(@TempDir Path dir) throws Exception {
    String armored = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n-----END PGP PUBLIC KEY"
        + " BLOCK-----\n";
    Path key = Files.writeString(dir.resolve("key.asc"), armored);
    DeployOptions.Origin origin =
        disks("--origin", "file:///srv/repo", "--origin-gpg-key", key.toString())
            .applyOrigin(REQUEST).origin();
    assertEquals("file:///srv/repo", origin.url());
    assertEquals(armored, new String(java.util.Base64.getDecoder().decode(origin.gpgKey()),
        java.nio.charset.StandardCharsets.US_ASCII));
    assertNull(disks("--origin", "file:///srv/repo").applyOrigin(REQUEST).origin().gpgKey());
  }

  @Test
  void anImageOriginTakesNoRefAndNoKey(@TempDir Path dir) throws Exception {
    DeployOptions.Origin origin =
        disks("--origin", "docker://registry.example.org/os/base:42").applyOrigin(REQUEST).origin();
    assertTrue(origin.isImage());
    assertNull(origin.ref());
    String withRef = assertThrows(UserError.class,
        () -> disks("--origin", "docker://r/os:1", "--origin-ref", "debian/bookworm/x86_64")
            .applyOrigin(REQUEST)).getMessage();
    assertEquals("--origin-ref is for an OSTree repository; --origin docker://r/os:1 is an image,"
        + " whose tag the disk follows\nHint: drop --origin-ref", withRef);
    Path key = Files.writeString(dir.resolve("key.asc"), "-----BEGIN PGP PUBLIC KEY BLOCK-----\n");
    assertTrue(assertThrows(UserError.class,
        () -> disks("--origin", "docker://r/os:1", "--origin-gpg-key", key.toString())
            .applyOrigin(REQUEST)).getMessage().startsWith("--origin-gpg-key is for an OSTree"));
  }

  @Test
  void originGpgKeyRefusesWhatIsNoPublicKey(@TempDir Path dir) throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.asc"));
    Path ssh = Files.writeString(dir.resolve("id.pub"), "ssh-ed25519 AAAA me\n");
    Path secret = Files.writeString(dir.resolve("secret.asc"),
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n");
    assertEquals("--origin-gpg-key " + empty + " is empty", firstLine(keyError(empty)));
    assertTrue(keyError(ssh).startsWith("--origin-gpg-key " + ssh + " is not an OpenPGP public"
        + " key"), keyError(ssh));
    assertTrue(keyError(secret).contains("holds a secret key"), keyError(secret));
    assertTrue(keyError(dir).startsWith("--origin-gpg-key " + dir + " is not a file"));
    assertTrue(keyError(dir.resolve("none")).contains("does not exist\nHint: "));
  }

  private static String keyError(Path key) {
    return assertThrows(UserError.class,
        () -> disks("--origin", "file:///r", "--origin-gpg-key", key.toString())
            .applyOrigin(REQUEST)).getMessage();
  }

  private static String firstLine(String message) {
    return message.lines().findFirst().orElse("");
  }

  private static DiskOptions disks(String... args) {
    BuildCommand command = new BuildCommand();
    String[] all = new String[args.length + 1];
    all[0] = "oci:/img";
    System.arraycopy(args, 0, all, 1, args.length);
    new CommandLine(command).parseArgs(all);
    return command.disks;
  }

  private static final BuildRequest REQUEST =
      BuildRequest.build("oci:/img", "/out", List.of("qcow2"), "amd64", 0L);

  @Test
  void theOriginAndItsRefReachTheBuildRequest() {
    assertEquals(
        new DeployOptions.Origin("https://example.org/repo", "debian/trixie/x86_64"),
        disks("--origin", "https://example.org/repo", "--origin-ref", "debian/trixie/x86_64")
            .applyOrigin(REQUEST)
            .origin());
    assertEquals(
        new DeployOptions.Origin("file:///srv/repo", null),
        disks("--origin", "file:///srv/repo").applyOrigin(REQUEST).origin(),
        "without --origin-ref the deploy step takes the commit's ref");
    assertNull(disks().applyOrigin(REQUEST).origin());
  }

  @Test
  void aBadOriginIsAUserError() {
    assertEquals(
        "--origin 'ftp://example.org/repo' is not an http, https or file URL\nHint: give the "
            + "repository's URL: http://HOST/PATH, https://HOST/PATH or file:///PATH, or an image:"
            + " docker://HOST/NAME:TAG",
        assertThrows(UserError.class,
            () -> disks("--origin", "ftp://example.org/repo").applyOrigin(REQUEST))
            .getMessage());
    assertTrue(
        assertThrows(UserError.class,
            () -> disks("--origin", "file:///r", "--origin-ref", "a b").applyOrigin(REQUEST))
            .getMessage()
            .startsWith("--origin-ref 'a b' is not an OSTree ref\nHint: "));
    assertTrue(
        assertThrows(UserError.class,
            () -> disks("--origin-ref", "debian/x").applyOrigin(REQUEST))
            .getMessage()
            .startsWith("--origin-ref needs --origin"));
  }

  @Test
  void typesKeepTheirOrderAndARepeatedOneCountsOnce() {
    assertEquals(List.of("qcow2"), disks().types());
    assertEquals(List.of("vmdk", "qcow2", "raw"), disks("--type", "VMDK,qcow2,raw,qcow2").types());
  }

  @Test
  void twoTypesWritingOneFileAreRefusedByTheRegistry() {
    Extensions builtin = BuiltinStages.registry();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> builtin.selectTypes(disks("--type", "raw,ami").types()));
    assertTrue(e.getMessage().startsWith("raw and ami are both written to image/disk.raw,"),
        e.getMessage());
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> builtin.selectTypes(disks("--type", "iso9660").types()));
    assertTrue(unknown.getMessage().contains("unknown disk type 'iso9660'"), unknown.getMessage());
    assertTrue(unknown.getMessage().endsWith("qcow2, vmdk, vhd, vhdx, vdi, gce, ova, ami"),
        unknown.getMessage());
  }

  @Test
  void sizesTakeBinaryUnits() {
    assertEquals(10L << 30, DiskOptions.parseSize("10G"));
    assertEquals(8192L << 20, DiskOptions.parseSize("8192M"));
    assertEquals(10L << 30, DiskOptions.parseSize("10 GiB"));
    assertEquals(4096, DiskOptions.parseSize("4096"));
    for (String bad : List.of("", "G", "-1G", "0", "ten", "99999999999T")) {
      UserError e = assertThrows(UserError.class, () -> DiskOptions.parseSize(bad), bad);
      assertTrue(e.getMessage().contains("is not a size"), e.getMessage());
    }
  }
}
