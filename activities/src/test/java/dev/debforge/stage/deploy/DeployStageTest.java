package dev.debforge.stage.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.disk.Architecture;
import dev.debforge.plugin.BadInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeployStageTest {

  private static final String ROOT = "11111111-2222-8333-8444-555555555555";
  private static final String BOOT = "66666666-7777-8888-9999-aaaaaaaaaaaa";

  @Test
  void acceptsWhatThePlanComputes() throws Exception {
    DeployStage.validate(
        new DeployOptions(
            "debian", List.of("root=UUID=" + ROOT, "rw"), ROOT, BOOT, "1234-ABCD", "ext4"));
  }

  @Test
  void rejectsAnUnknownRootFileSystem() {
    assertEquals(
        "deploy: rootFsType 'zfs' is not supported\nHint: use one of ext4, xfs, btrfs",
        message(new DeployOptions("debian", List.of(), ROOT, BOOT, "1234-ABCD", "zfs")));
  }

  @Test
  void rejectsAnEspIdNotInFstabForm() {
    assertEquals(
        "deploy: espUuid '1234ABCD' is not a FAT volume id\n"
            + "Hint: write it as fstab does, eight upper-case hex digits: 1234-ABCD",
        message(new DeployOptions("debian", List.of(), ROOT, BOOT, "1234ABCD", "ext4")));
  }

  @Test
  void rejectsABadRootUuid() {
    assertEquals(
        "deploy: rootUuid 'nope' is not a UUID\nHint: write it as 8-4-4-4-12 hex digits",
        message(new DeployOptions("debian", List.of(), "nope", BOOT, "1234-ABCD", "ext4")));
  }

  @Test
  void rejectsTwoArgumentsInOneElement() {
    assertEquals(
        "deploy: kernel argument 'quiet splash' is empty or contains blanks\n"
            + "Hint: give one argument per list element",
        message(
            new DeployOptions(
                "debian", List.of("quiet splash"), ROOT, BOOT, "1234-ABCD", "ext4")));
  }

  private static DeployOptions withOrigin(String url, String ref) {
    return new DeployOptions(
        "debian", List.of(), ROOT, BOOT, "1234-ABCD", "ext4", List.of(),
        new DeployOptions.Origin(url, ref));
  }

  @Test
  void acceptsHttpHttpsAndFileOrigins() throws Exception {
    DeployStage.validate(withOrigin("https://updates.example.org/debian/repo", null));
    DeployStage.validate(withOrigin("http://10.0.2.2:8000/repo", "debian/bookworm/x86_64"));
    DeployStage.validate(withOrigin("file:///mnt/v2/repo", "debforge/x86_64"));
  }

  @Test
  void rejectsAnOriginThatIsNoHttpHttpsOrFileUrl() {
    String hint =
        "\nHint: give the repository's URL: http://HOST/PATH, https://HOST/PATH or file:///PATH,"
            + " or an image: docker://HOST/NAME:TAG";
    assertEquals(
        "deploy: origin.url 'ftp://example.org/repo' is not an http, https or file URL" + hint,
        message(withOrigin("ftp://example.org/repo", null)));
    assertEquals(
        "deploy: origin.url '/srv/repo' is not an http, https or file URL" + hint,
        message(withOrigin("/srv/repo", null)));
    assertEquals(
        "deploy: origin.url 'file://srv/repo' names no absolute path (file:///PATH)" + hint,
        message(withOrigin("file://srv/repo", null)));
    assertEquals(
        "deploy: origin.url 'https:///repo' names no host" + hint,
        message(withOrigin("https:///repo", null)));
    assertTrue(
        message(withOrigin("http://example.org/my repo", null))
            .startsWith("deploy: origin.url 'http://example.org/my repo' is not a URL: "));
  }

  @Test
  void rejectsAnOriginRefWithBlanksOrARemote() {
    String hint =
        "\nHint: give a branch like debian/bookworm/x86_64: parts of letters, digits, '-', '.'"
            + " and '_' separated by '/', without blanks or ':'";
    assertEquals(
        "deploy: origin.ref 'debian/bookworm x86_64' is not an OSTree ref" + hint,
        message(withOrigin("https://example.org/repo", "debian/bookworm x86_64")));
    assertEquals(
        "deploy: origin.ref 'debforge:debian/bookworm/x86_64' is not an OSTree ref"
            + " (a ref has no REMOTE: part)" + hint,
        message(withOrigin("https://example.org/repo", "debforge:debian/bookworm/x86_64")));
    for (String bad : List.of("", "/debian", "debian/", "debian//x86_64", "-x")) {
      assertTrue(
          message(withOrigin("https://example.org/repo", bad)).contains("is not an OSTree ref"),
          bad);
    }
  }

  @Test
  void theOriginRefDefaultsToTheRefComposePublishesTheImageOn() throws Exception {
    Map<String, String> commit = Map.of("commit", "ab".repeat(32), "ref", "debforge/x86_64");
    Map<String, String> image = Map.of("os", "debian", "osVersion", "bookworm");
    DeployOptions.Origin noRef = new DeployOptions.Origin("file:///r", null);
    assertEquals("debian/bookworm/x86_64",
        DeployStage.originRef(noRef, commit, image, Architecture.AMD64), "an image's os-release");
    assertEquals("debian/bookworm/aarch64",
        DeployStage.originRef(noRef, commit, image, Architecture.ARM64));
    assertEquals("debforge/x86_64",
        DeployStage.originRef(noRef, commit, Map.of("os", "debian", "osVersion", ""),
            Architecture.AMD64), "no codename: the commit's ref");
    Map<String, String> composed = Map.of("commit", "ab".repeat(32), "ref",
        "debian/trixie/x86_64");
    assertEquals("debian/trixie/x86_64",
        DeployStage.originRef(noRef, composed, Map.of("hostname", "h"), Architecture.AMD64),
        "run: the compose's ref");
    assertEquals(
        "debian/trixie/x86_64",
        DeployStage.originRef(
            new DeployOptions.Origin("file:///r", "debian/trixie/x86_64"), commit, image,
            Architecture.AMD64));
    assertEquals("debforge:debforge/x86_64", DeployOptions.Origin.refspec("debforge/x86_64"));
  }

  @Test
  void anImageOriginIsAcceptedWithoutRefOrKey() throws Exception {
    DeployStage.validate(withOrigin("docker://registry.example.org/os/base:42", null));
    DeployStage.validate(withOrigin("oci-archive:/srv/images/v2.oci.tar", null));
    assertTrue(new DeployOptions.Origin("docker://r/x:1", null).isImage());
    assertFalse(new DeployOptions.Origin("https://r/repo", null).isImage());
    assertEquals(
        "deploy: the origin 'docker://r/x:1' is an image; origin.ref is for OSTree repositories"
            + "\nHint: an image origin follows the image's tag: drop the ref",
        message(withOrigin("docker://r/x:1", "debian/bookworm/x86_64")));
    assertEquals(
        "deploy: origin.url 'docker://' names no image, or has blanks in it"
            + "\nHint: give the image as skopeo names it: docker://HOST/NAME:TAG",
        message(withOrigin("docker://", null)));
    assertTrue(message(withOrigin("docker://r/x:1\n[origin]", null)).contains("has blanks"));
  }

  @Test
  void anImageOriginFileNamesTheImageAndItsDigest() {
    assertEquals(
        "[origin]\nrefspec=debforge/image\n\n[debforge]\nimage=docker://r/os:42\n"
            + "digest=sha256:" + "a".repeat(64) + "\n",
        DeployStage.imageOriginText("docker://r/os:42", "sha256:" + "a".repeat(64)));
    assertEquals("[origin]\nrefspec=debforge/image\n\n[debforge]\nimage=docker://r/os:42\n",
        DeployStage.imageOriginText("docker://r/os:42", null));
  }

  @Test
  void theOriginFileNamesTheRemotesRef() {
    assertEquals(
        "[origin]\nrefspec=debforge:debian/trixie/x86_64\n",
        DeployStage.originText("debforge:debian/trixie/x86_64"));
  }

  private static String message(DeployOptions options) {
    return assertThrows(BadInputException.class, () -> DeployStage.validate(options))
        .getMessage();
  }

  @Test
  void anOriginKeyIsAnArmoredOrBinaryPublicKey() throws Exception {
    String armored = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ...\n";
    DeployStage.validate(withKey(base64(armored.getBytes(StandardCharsets.US_ASCII))));
    // A binary export starts with a public-key packet: old format (0x99) or new (0xC6).
    DeployStage.validate(withKey(base64(new byte[] {(byte) 0x99, 0x00, 0x33, 0x04})));
    DeployStage.validate(withKey(base64(new byte[] {(byte) 0xC6, 0x33, 0x04})));
    assertEquals(
        "deploy: origin.gpgKey holds a secret key; the disk needs only the public one, and must"
            + " not have the secret one",
        firstLine(message(withKey(base64(
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n".getBytes(StandardCharsets.US_ASCII))))));
    assertTrue(
        message(withKey(base64(new byte[] {(byte) 0x95, 0x00}))).contains("holds a secret key"));
    assertEquals(
        "deploy: origin.gpgKey is not an OpenPGP public key (no -----BEGIN PGP PUBLIC KEY"
            + " BLOCK----- line, nor a public-key packet)",
        firstLine(message(withKey(base64("ssh-ed25519 AAAA".getBytes(StandardCharsets.UTF_8))))));
    assertEquals("deploy: origin.gpgKey is empty", firstLine(message(withKey(""))));
    assertTrue(message(withKey("not base64!")).startsWith("deploy: origin.gpgKey is not base64"));
  }

  private static DeployOptions withKey(String gpgKey) {
    return new DeployOptions("debian", List.of(), ROOT, BOOT, "1234-ABCD", "ext4", List.of(),
        new DeployOptions.Origin("https://example.org/repo", null, gpgKey));
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static String firstLine(String message) {
    return message.lines().findFirst().orElse("");
  }
}
