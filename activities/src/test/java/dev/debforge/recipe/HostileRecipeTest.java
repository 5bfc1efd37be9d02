package dev.debforge.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recipes written to break the parser or the terminal: each is refused with file:line:column. */
class HostileRecipeTest {

  private static final String HEAD = "name: x\nbase:\n  suite: bookworm\n";
  private static final String KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ4eXZ6d3h5enh5enh5enh5enh5enh5enh5enh5 a@b";

  private final RecipeParser parser = new RecipeParser();

  private RecipeException failure(String yaml) {
    return assertThrows(RecipeException.class, () -> parser.parse(yaml, "r.yaml"));
  }

  @Test
  void refusesAnAliasInsteadOfReadingTheAnchorsName() {
    RecipeException e =
        failure("name: &anc x\nbase:\n  suite: bookworm\nhostname: *anc\n");
    assertEquals(4, e.line());
    assertEquals("hostname", e.keyPath());
    assertTrue(e.getMessage().startsWith("r.yaml:4:"), e.getMessage());
    assertTrue(e.getMessage().contains("YAML aliases (*anc) are not supported"), e.getMessage());
  }

  @Test
  void refusesASnapshotThatIsNoRealDate() {
    RecipeException e =
        failure("name: x\nbase:\n  suite: bookworm\n  snapshot: '20250230T000000Z'\n");
    assertEquals("base.snapshot", e.keyPath());
    assertEquals(4, e.line());
    assertTrue(e.getMessage().contains("'20250230T000000Z' is not a real date and time"),
        e.getMessage());
    assertTrue(failure("name: x\nbase:\n  suite: bookworm\n  snapshot: '20250101T250000Z'\n")
        .getMessage().contains("not a real date"));
  }

  @Test
  void acceptsARealSnapshotDate() throws Exception {
    Recipe recipe =
        parser.parse("name: x\nbase:\n  suite: bookworm\n  snapshot: '20240229T235959Z'\n", "r");
    assertEquals("20240229T235959Z", recipe.base().snapshot());
  }

  @Test
  void escapesControlCharactersOfQuotedValues() {
    RecipeException e = failure(HEAD + "timezone: \"\\e[2JEurope\\nBerlin\"\n");
    assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
    assertTrue(e.getMessage().contains("'\\x1b[2JEurope\\nBerlin'"), e.getMessage());
  }

  @Test
  void refusesKernelArgumentsWithNulNewlineOrAnUnbalancedQuote() {
    assertTrue(failure(HEAD + "kernel:\n  args: [\"quiet\\0x\"]\n").getMessage()
        .contains("contains a control character ('\\x00')"));
    assertTrue(failure(HEAD + "kernel:\n  args: [\"a\\nb\"]\n").getMessage()
        .contains("contains a control character ('\\n')"));
    RecipeException quote = failure(HEAD + "kernel:\n  args: ['dyndbg=\"x']\n");
    assertEquals("kernel.args[0]", quote.keyPath());
    assertTrue(quote.getMessage().contains("has an unbalanced double quote"), quote.getMessage());
    assertTrue(failure(HEAD + "kernel:\n  args: ['']\n").getMessage().contains("is empty"));
  }

  @Test
  void refusesSshKeysWithOptionsOrGarbage() {
    String user = HEAD + "users:\n  - name: alice\n    ssh-keys:\n      - '%s'\n";
    RecipeException options = failure(user.formatted("command=\"sh\" " + KEY));
    assertEquals("users[0].ssh-keys[0]", options.keyPath());
    assertTrue(options.getMessage().contains("is not an OpenSSH public key"));
    RecipeException garbage = failure(user.formatted("ssh-ed25519 AAAAgarbage a@b"));
    assertTrue(garbage.getMessage().contains("its base64 part is not a key"),
        garbage.getMessage());
    RecipeException mislabelled =
        failure(user.formatted(KEY.replace("ssh-ed25519", "ssh-rsa")));
    assertTrue(mislabelled.getMessage().contains("its base64 part is a 'ssh-ed25519' key"),
        mislabelled.getMessage());
  }

  @Test
  void acceptsARealSshKey() throws Exception {
    assertNull(SshPublicKey.problem(KEY));
  }

  @Test
  void refusesFileSourcesThatAreMissingDirectoriesFifosOrLeadOut(@TempDir Path dir)
      throws Exception {
    Path recipeDir = Files.createDirectories(dir.resolve("recipe"));
    Files.createDirectories(recipeDir.resolve("files"));
    Path outside = Files.writeString(dir.resolve("secret"), "s");
    Files.createSymbolicLink(recipeDir.resolve("link"), outside);
    Path fifo = recipeDir.resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    String recipe = HEAD + "files:\n  - path: /etc/motd\n    source: %s\n";
    for (String[] c :
        new String[][] {
          {"missing", "'missing' does not exist in "},
          {"files", "'files' is a directory"},
          {"fifo", "'fifo' is not a regular file"},
          {"link", "'link' leads out of "}}) {
      Path file = Files.writeString(recipeDir.resolve("r.yaml"), recipe.formatted(c[0]));
      RecipeException e = assertThrows(RecipeException.class, () -> parser.parse(file));
      assertEquals("files[0].source", e.keyPath(), c[0]);
      assertEquals(6, e.line(), c[0]);
      assertTrue(e.getMessage().startsWith(file + ":6:"), e.getMessage());
      assertTrue(e.getMessage().contains(c[1]), e.getMessage());
    }
  }
}
