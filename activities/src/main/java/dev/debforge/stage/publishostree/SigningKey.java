package dev.debforge.stage.publishostree;

import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.plugin.ToolRunner;
import dev.debforge.recipe.UserText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The GPG key a published repository is signed with. gpg has to hold its secret part, which is
 * checked before anything is written, so that a mistyped key fails the build at once instead of
 * after a commit was copied in. Used by the stage and, for a build that runs here, by the CLI.
 */
public final class SigningKey {

  /** A fingerprint or a long or short key ID: what ostree hands gpgme to find the key. */
  private static final Pattern KEY_ID =
      Pattern.compile("[0-9A-Fa-f]{40}|[0-9A-Fa-f]{16}|[0-9A-Fa-f]{8}");

  private static final Duration TIMEOUT = Duration.ofMinutes(1);

  private SigningKey() {}

  /**
   * Checks that {@code keyId} names a key whose secret part gpg has in {@code homedir} (null
   * for gpg's default home directory of this user).
   *
   * @param what how the messages name the key, such as {@code --ostree-gpg-sign}
   * @throws BadInputException naming the key and the home directory when it is no key ID, the
   *     home directory is missing, or gpg has no secret key for it
   * @throws ToolException when gpg cannot be run at all
   */
  public static void check(ToolRunner tools, String what, String keyId, String homedir)
      throws BadInputException, ToolException {
    checkId(what, keyId);
    String where = homedir == null ? "gpg's default home directory" : homedir;
    if (homedir != null && !Files.isDirectory(Path.of(homedir))) {
      throw new BadInputException(
          what + ": the GPG home directory " + homedir + " does not exist",
          "name the directory that holds the signing key (gpg --homedir DIR --list-secret-keys"
              + " lists its keys), or leave the home directory out for gpg's default one");
    }
    try {
      tools.run(listSecretKey(keyId, homedir));
    } catch (ToolException e) {
      if (e.kind() != ToolException.Kind.EXIT_CODE) {
        throw e;
      }
      throw new BadInputException(
          what + ": gpg has no secret key " + keyId + " in " + where,
          "make one (gpg --quick-gen-key 'NAME <EMAIL>' ed25519 sign never) or name a key"
              + " that gpg --list-secret-keys lists"
              + (homedir == null ? "" : " with --homedir " + homedir)
              + "; its fingerprint is the long hex line under sec");
    }
  }

  /**
   * Checks the form of a key ID: hex, so that no value can be taken as an option by gpg or
   * ostree.
   *
   * @throws BadInputException naming the value
   */
  public static void checkId(String what, String keyId) throws BadInputException {
    if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
      throw new BadInputException(
          what + " " + UserText.quote(keyId) + " is not a GPG key ID",
          "give the key's fingerprint (40 hex digits) or key ID (16 or 8), as gpg"
              + " --list-secret-keys --with-colons prints it on its fpr line");
    }
  }

  /** Lists the secret key; gpg exits with 2 when it has none of that ID. */
  static ToolCall listSecretKey(String keyId, String homedir) {
    List<String> argv = new ArrayList<>(List.of("gpg", "--batch", "--with-colons"));
    if (homedir != null) {
      argv.add("--homedir=" + homedir);
    }
    argv.add("--list-secret-keys");
    argv.add(keyId);
    return ToolCall.of(argv, TIMEOUT);
  }
}
