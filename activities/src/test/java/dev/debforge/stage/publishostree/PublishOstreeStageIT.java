package dev.debforge.stage.publishostree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.process.ProcessRunner;
import dev.debforge.stage.TestGpgKey;
import dev.debforge.stage.TestStageContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishes tiny commits with the real ostree and reads the repository back with it, as a
 * client would. Fails, rather than skipping, when ostree is missing.
 */
class PublishOstreeStageIT {

  private static final String REF = "debian/bookworm/x86_64";

  @TempDir Path work;
  private Path source;
  private int steps;

  /** The commit step's output: a bare repository at {@code repo/}, as ostree-commit leaves it. */
  @BeforeEach
  void sourceRepository() throws Exception {
    source = work.resolve("commit/repo");
    Files.createDirectories(source);
    ostree(source, "init", "--mode=bare");
  }

  @Test
  void publishesToANewArchiveRepositoryThenWithADeltaFromThePreviousCommit() throws Exception {
    Path published = work.resolve("srv/ostree");
    String first = commit("one\n");
    Map<String, String> facts = publish(published, first).facts();
    assertEquals("archive-z2", ostree(published, "config", "get", "core.mode").strip());
    assertEquals(first, ostree(published, "rev-parse", REF).strip());
    assertEquals(
        Map.of("repo", published.toString(), "ref", REF, "commit", first, "previous", "",
            "delta", "", "artifact", published.toString(), "type", "ostree"),
        facts);

    String second = commit("two\n");
    facts = publish(published, second).facts();
    assertEquals(second, ostree(published, "rev-parse", REF).strip());
    assertEquals(first, facts.get("previous"));
    assertEquals(first + "-" + second, facts.get("delta"));
    assertTrue(
        ostree(published, "static-delta", "list").lines().anyMatch(facts.get("delta")::equals),
        "the delta is listed");
    String summary = ostree(published, "summary", "--view");
    assertTrue(summary.contains("* " + REF + "\n"), summary);
    assertTrue(summary.contains(second), summary);
    assertTrue(summary.contains(facts.get("delta")), "the summary indexes the delta: " + summary);
    assertEquals("two\n", ostree(published, "cat", REF, "/usr/share/test"));
  }

  @Test
  void publishingTheSameCommitAgainMakesNoDelta() throws Exception {
    Path published = work.resolve("ostree");
    String commit = commit("same\n");
    publish(published, commit);
    Map<String, String> facts = publish(published, commit).facts();
    assertEquals(commit, facts.get("previous"));
    assertEquals("", facts.get("delta"));
    assertEquals("", ostree(published, "static-delta", "list").strip().replace(
        "(No static deltas)", ""));
  }

  @Test
  void anEmptyDirectoryBecomesTheRepository() throws Exception {
    Path published = Files.createDirectories(work.resolve("empty"));
    String commit = commit("x\n");
    publish(published, commit);
    assertEquals(commit, ostree(published, "rev-parse", REF).strip());
    assertEquals("archive-z2", ostree(published, "config", "get", "core.mode").strip());
  }

  @Test
  void aDirectoryWithOtherFilesIsRefusedAndLeftAlone() throws Exception {
    Path other = Files.createDirectories(work.resolve("other"));
    Files.writeString(other.resolve("notes.txt"), "mine");
    String commit = commit("x\n");
    BadInputException e = assertThrows(BadInputException.class, () -> publish(other, commit));
    assertTrue(e.getMessage().contains(other.toString()), e.getMessage());
    try (var entries = Files.list(other)) {
      assertEquals(List.of(other.resolve("notes.txt")), entries.toList());
    }
  }

  @Test
  void aBareRepositoryIsRefused() throws Exception {
    Path bare = work.resolve("bare");
    Files.createDirectories(bare);
    ostree(bare, "init", "--mode=bare");
    String commit = commit("x\n");
    BadInputException e = assertThrows(BadInputException.class, () -> publish(bare, commit));
    assertTrue(e.getMessage().startsWith(bare + " is an OSTree repository in bare mode"),
        e.getMessage());
    assertFalse(ostree(bare, "refs").contains(REF), "nothing was pulled");
  }

  /**
   * With a key, the commit and the summary are signed: a client that has the public key and
   * verifies both pulls the commit, with one signature, and its summary.sig; a client trusting
   * another key cannot pull it; the delta to the next commit is signed with it too.
   */
  @Test
  void aKeySignsTheCommitAndTheSummary() throws Exception {
    try (TestGpgKey key = TestGpgKey.generate("debforge publisher");
        TestGpgKey other = TestGpgKey.generate("someone else")) {
      Path published = work.resolve("signed");
      String first = commit("one\n");
      Map<String, String> facts = publish(published, first, signedWith(key)).facts();
      assertEquals(key.fingerprint(), facts.get("signedBy"));
      assertTrue(Files.isRegularFile(published.resolve("summary.sig")), "the summary is signed");

      Path client = client("client", published, key);
      ostree(client, "pull", "debforge", REF);
      assertEquals(first, ostree(client, "rev-parse", "debforge:" + REF).strip());
      String shown = ostree(published, "show", first);
      assertTrue(shown.contains("Found 1 signature")
          && shown.contains(key.fingerprint().substring(24)), shown);

      String second = commit("two\n");
      publish(published, second, signedWith(key));
      ostree(client, "pull", "debforge", REF);
      assertEquals(second, ostree(client, "rev-parse", "debforge:" + REF).strip());

      Path stranger = client("stranger", published, other);
      ToolException e = assertThrows(ToolException.class,
          () -> ostree(stranger, "pull", "debforge", REF));
      assertTrue(e.getMessage().contains("public key not found"), e.getMessage());
    }
  }

  /** Without a key a repository that was signed is unsigned again: no stale summary.sig. */
  @Test
  void withoutAKeyTheRepositoryIsUnsigned() throws Exception {
    try (TestGpgKey key = TestGpgKey.generate("debforge publisher")) {
      Path published = work.resolve("signed");
      publish(published, commit("one\n"), signedWith(key));
      Map<String, String> facts = publish(published, commit("two\n")).facts();
      assertFalse(facts.containsKey("signedBy"), facts.toString());
      assertFalse(Files.exists(published.resolve("summary.sig")), "no stale summary signature");
      Path client = client("client", published, key);
      ToolException e = assertThrows(ToolException.class,
          () -> ostree(client, "pull", "debforge", REF));
      assertTrue(e.getMessage().contains("summary.sig"), e.getMessage());
    }
  }

  /** A key gpg does not have is refused before the repository is even created. */
  @Test
  void anUnknownKeyIsRefusedBeforeAnythingIsWritten() throws Exception {
    try (TestGpgKey key = TestGpgKey.generate("debforge publisher")) {
      Path published = work.resolve("never");
      String commit = commit("x\n");
      PublishOstreeOptions unknown = new PublishOstreeOptions(
          published.toString(), "0123456789ABCDEF0123456789ABCDEF01234567",
          key.homedir().toString());
      BadInputException e =
          assertThrows(BadInputException.class, () -> publish(published, commit, unknown));
      assertTrue(e.getMessage().contains(
          "gpg has no secret key 0123456789ABCDEF0123456789ABCDEF01234567 in " + key.homedir()),
          e.getMessage());
      assertTrue(e.getMessage().contains("\nHint: "), e.getMessage());
      assertFalse(Files.exists(published), "nothing was written");
    }
  }

  private static PublishOstreeOptions signedWith(TestGpgKey key) {
    return new PublishOstreeOptions(null, key.fingerprint(), key.homedir().toString());
  }

  /** A repository that pulls from {@code published} verifying signatures with the key. */
  private Path client(String name, Path published, TestGpgKey key) throws Exception {
    Path client = Files.createDirectories(work.resolve(name));
    ostree(client, "init", "--mode=bare-user");
    ostree(client, "remote", "add", "--gpg-import=" + key.publicKey(), "--set=gpg-verify=true",
        "--set=gpg-verify-summary=true", "debforge", "file://" + published);
    return client;
  }

  /** Commits a tree with one file under usr/ to the source repository's ref. */
  private String commit(String content) throws Exception {
    Path tree = work.resolve("tree-" + content.strip());
    Files.createDirectories(tree.resolve("usr/share"));
    Files.writeString(tree.resolve("usr/share/test"), content);
    ostree(source, "commit", "--branch=" + REF, "--tree=dir=" + tree, "--fsync=false",
        "--subject=" + content.strip());
    return ostree(source, "rev-parse", REF).strip();
  }

  /** Runs the stage as the workflow would after the commit step made {@code commit}. */
  private StageOutput publish(Path repo, String commit) throws Exception {
    return publish(repo, commit, new PublishOstreeOptions(null));
  }

  /** Publishes with the signing options of {@code signing} to {@code repo}. */
  private StageOutput publish(Path repo, String commit, PublishOstreeOptions signing)
      throws Exception {
    TestStageContext context =
        new TestStageContext(work.resolve("step-" + steps++), "amd64")
            .withInput("commit", source.getParent(),
                Map.of("commit", commit, "ref", REF, "version", "1"));
    PublishOstreeOptions options = new PublishOstreeOptions(
        repo.toString(), signing.gpgSign(), signing.gpgHomedir());
    StageOutput output = new PublishOstreeStage().run(context, options);
    assertEquals("updating the summary", context.progress.get(context.progress.size() - 1));
    return output;
  }

  private static String ostree(Path repo, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("ostree", "--repo=" + repo));
    argv.addAll(List.of(args));
    return ProcessRunner.logging(line -> {})
        .run(ToolCall.of(argv, Duration.ofMinutes(2)))
        .stdout();
  }
}
