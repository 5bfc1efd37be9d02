package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plan.BuildRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class OstreeRepoOptionsTest {

  @TempDir Path dir;

  private static final BuildRequest COMPOSE =
      BuildRequest.compose("/r/test.yaml", "name: test", "oci-archive:/out/x.tar", "amd64", 0L);

  @Test
  void composeSendsTheRepositoryAsAnAbsolutePath() {
    ComposeCommand command = new ComposeCommand();
    new CommandLine(command).parseArgs("test.yaml", "--ostree-repo", "srv/../repo");
    assertEquals(
        Path.of("repo").toAbsolutePath().toString(),
        command.ostreeRepo.applyTo(COMPOSE).ostreeRepo());
  }

  @Test
  void runTakesTheOptionToo() {
    RunCommand command = new RunCommand();
    new CommandLine(command).parseArgs("test.yaml", "--ostree-repo", "/srv/ostree");
    assertEquals(
        "/srv/ostree",
        command.ostreeRepo
            .applyTo(BuildRequest.run("/r/test.yaml", "", "/out", List.of("qcow2"), "amd64", 0L))
            .ostreeRepo());
  }

  @Test
  void withoutTheOptionNothingIsPublished() {
    ComposeCommand command = new ComposeCommand();
    new CommandLine(command).parseArgs("test.yaml");
    assertNull(command.ostreeRepo.applyTo(COMPOSE).ostreeRepo());
  }

  @Test
  void aLocalBuildRefusesADirectoryThatIsNotARepositoryBeforeItStarts() throws Exception {
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve("notes.txt"), "mine");
    ComposeCommand command = new ComposeCommand();
    new CommandLine(command).parseArgs("test.yaml", "--ostree-repo", other.toString());
    UserError e = assertThrows(UserError.class, () -> command.ostreeRepo.checkHere(command.global));
    assertTrue(
        e.getMessage().startsWith("--ostree-repo: " + other + " is not empty and is not an OSTree"),
        e.getMessage());
  }

  @Test
  void aBuildOnRemoteWorkersIsNotCheckedHere() throws Exception {
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve("notes.txt"), "mine");
    ComposeCommand command = new ComposeCommand();
    new CommandLine(command)
        .parseArgs("test.yaml", "--ostree-repo", other.toString(), "--temporal", "host:7233");
    command.ostreeRepo.checkHere(command.global);
  }

  @Test
  void signingOptionsGoIntoTheRequest() {
    ComposeCommand command = new ComposeCommand();
    new CommandLine(command).parseArgs("test.yaml", "--ostree-repo", "/srv/ostree",
        "--ostree-gpg-sign", "185C3ACE1CCC9BB3BB2208EB685F4D3F5FC54DA6",
        "--ostree-gpg-homedir", "keys/../gnupg");
    BuildRequest request = command.ostreeRepo.applyTo(COMPOSE);
    assertEquals("185C3ACE1CCC9BB3BB2208EB685F4D3F5FC54DA6", request.ostreeGpgSign());
    assertEquals(Path.of("gnupg").toAbsolutePath().toString(), request.ostreeGpgHomedir());
  }

  @Test
  void withoutSigningOptionsTheRequestIsUnsigned() {
    ComposeCommand command = new ComposeCommand();
    new CommandLine(command).parseArgs("test.yaml", "--ostree-repo", "/srv/ostree");
    BuildRequest request = command.ostreeRepo.applyTo(COMPOSE);
    assertNull(request.ostreeGpgSign());
    assertNull(request.ostreeGpgHomedir());
  }

  @Test
  void signingNeedsARepositoryAndAHomeDirectoryNeedsAKey() {
    assertEquals("--ostree-gpg-sign needs --ostree-repo",
        firstLine(refusal("test.yaml", "--ostree-gpg-sign", "5FC54DA6")));
    assertEquals("--ostree-gpg-homedir needs --ostree-gpg-sign",
        firstLine(refusal("test.yaml", "--ostree-repo", "/srv/o", "--ostree-gpg-homedir", "/h")));
    assertEquals("--ostree-gpg-sign 'me@example.org' is not a GPG key ID",
        firstLine(refusal("test.yaml", "--ostree-repo", "/srv/o", "--ostree-gpg-sign",
            "me@example.org")));
  }

  @Test
  void aLocalBuildRefusesAGpgHomeDirectoryThatDoesNotExist() {
    ComposeCommand command = new ComposeCommand();
    Path missing = dir.resolve("no-gnupg");
    new CommandLine(command).parseArgs("test.yaml", "--ostree-repo", dir.resolve("repo").toString(),
        "--ostree-gpg-sign", "5FC54DA6", "--ostree-gpg-homedir", missing.toString());
    UserError e = assertThrows(UserError.class, () -> command.ostreeRepo.checkHere(command.global));
    assertTrue(e.getMessage().startsWith("--ostree-gpg-sign: the GPG home directory " + missing
        + " does not exist\nHint: "), e.getMessage());
  }

  private static String refusal(String... args) {
    ComposeCommand command = new ComposeCommand();
    new CommandLine(command).parseArgs(args);
    return assertThrows(UserError.class, () -> command.ostreeRepo.applyTo(COMPOSE)).getMessage();
  }

  private static String firstLine(String message) {
    return message.lines().findFirst().orElse("");
  }

  @Test
  void composeExitsWithTwoNamingTheRepository() throws Exception {
    Path recipe =
        Files.writeString(dir.resolve("test.yaml"), "name: test\nbase:\n  suite: bookworm\n");
    Path file = Files.writeString(dir.resolve("repo"), "not a directory");
    CliRun run =
        CliRun.of(
            "compose", recipe.toString(), "-o", "oci-archive:" + dir.resolve("x.tar"),
            "--ostree-repo", file.toString());
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("--ostree-repo: " + file + " is not a directory"), run.err());
  }

  @Test
  void submittingAnImageWithTheOptionIsRefused() {
    CliRun run = CliRun.of("submit", "oci:/img", "--ostree-repo", "/srv/ostree");
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("--ostree-repo publishes a composed commit"), run.err());
  }

  @Test
  void theResultNamesTheRefAndCommitOfAPublishedRepository() {
    assertEquals(
        "debian/bookworm/x86_64 abc",
        BuildRunner.identity(
            Map.of("artifact", "/srv/ostree", "ref", "debian/bookworm/x86_64", "commit", "abc")));
    assertEquals("sha256:def", BuildRunner.identity(Map.of("artifact", "/d", "sha256", "def")));
    assertEquals("block map disk.raw.bmap sha256:abc", BuildRunner.identity(Map.of(
        "artifact", "/o/image/disk.raw", "bmap", "/o/image/disk.raw.bmap",
        "bmapChecksum", "abc")));
  }
}
