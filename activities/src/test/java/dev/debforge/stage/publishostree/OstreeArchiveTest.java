package dev.debforge.stage.publishostree;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
  void refsAndRevParseReadTheRepository() {
    assertEquals(List.of("ostree", "--repo=/srv/ostree", "refs"), OstreeArchive.refs(REPO).argv());
    assertEquals(
        List.of("ostree", "--repo=/srv/ostree", "rev-parse", "debian/x/y"),
        OstreeArchive.revParse(REPO, "debian/x/y").argv());
  }
}
