package dev.debforge.stage.publishostree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.BadInputException;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OstreeArchiveTest {

  private static final Path REPO = Path.of("/srv/ostree");

  @Test
  void initMakesAnArchiveRepository() {
    assertEquals(
        List.of("ostree", "--repo=/srv/ostree", "init", "--mode=archive"),
        OstreeArchive.init(REPO).argv());
  }

  @Test
  void pullLocalNamesTheSourceRepositoryAndTheCommitOrRef() {
    assertEquals(
        List.of("ostree", "--repo=/srv/ostree", "pull-local", "/store/abc/repo", "debian/x/y"),
        OstreeArchive.pullLocal(REPO, Path.of("/store/abc/repo"), "debian/x/y").argv());
  }

  @Test
  void theDeltaGoesFromThePreviousCommitToTheNewOne() {
    assertEquals(
        List.of("ostree", "--repo=/srv/ostree", "static-delta", "generate", "--from=aaa",
            "--to=bbb"),
        OstreeArchive.staticDelta(REPO, "aaa", "bbb").argv());
  }

  @Test
  void theSummaryIsUpdated() {
    assertEquals(
        List.of("ostree", "--repo=/srv/ostree", "summary", "--update"),
        OstreeArchive.updateSummary(REPO).argv());
  }

  @Test
  void aSignedSummaryNamesTheKeyAndTheHomeDirectory() {
    assertEquals(
        List.of("ostree", "--repo=/srv/ostree", "summary", "-u", "--gpg-sign=0123ABCD",
            "--gpg-homedir=/home/pub/.gnupg"),
        OstreeArchive.updateSummary(REPO, "0123ABCD", "/home/pub/.gnupg").argv());
    assertEquals(
        List.of("ostree", "--repo=/srv/ostree", "summary", "-u", "--gpg-sign=0123ABCD"),
        OstreeArchive.updateSummary(REPO, "0123ABCD", null).argv());
  }

  @Test
  void theCommitIsSignedWithTheKey() {
    assertEquals(
        List.of("ostree", "--repo=/srv/ostree", "gpg-sign", "--gpg-homedir=/h", "bbb",
            "0123ABCD"),
        OstreeArchive.gpgSign(REPO, "bbb", "0123ABCD", "/h").argv());
    assertEquals(
        List.of("ostree", "--repo=/srv/ostree", "gpg-sign", "bbb", "0123ABCD"),
        OstreeArchive.gpgSign(REPO, "bbb", "0123ABCD", null).argv());
  }

  @Test
  void gpgIsAskedForTheSecretKey() {
    assertEquals(
        List.of("gpg", "--batch", "--with-colons", "--homedir=/h", "--list-secret-keys",
            "0123ABCD"),
        SigningKey.listSecretKey("0123ABCD", "/h").argv());
  }

  @Test
  void aKeyIdIsHex() throws Exception {
    SigningKey.checkId("--ostree-gpg-sign", "185C3ACE1CCC9BB3BB2208EB685F4D3F5FC54DA6");
    SigningKey.checkId("--ostree-gpg-sign", "685F4D3F5FC54DA6");
    SigningKey.checkId("--ostree-gpg-sign", "5fc54da6");
    for (String bad : List.of("", "--homedir=/tmp", "me@example.org", "0x5FC54DA6", "5FC54DA")) {
      BadInputException e = assertThrows(
          BadInputException.class, () -> SigningKey.checkId("--ostree-gpg-sign", bad));
      assertTrue(e.getMessage().contains("is not a GPG key ID"), e.getMessage());
    }
  }

  @Test
  void refsAndRevParseReadTheRepository() {
    assertEquals(List.of("ostree", "--repo=/srv/ostree", "refs"), OstreeArchive.refs(REPO).argv());
    assertEquals(
        List.of("ostree", "--repo=/srv/ostree", "rev-parse", "debian/x/y"),
        OstreeArchive.revParse(REPO, "debian/x/y").argv());
  }
}
