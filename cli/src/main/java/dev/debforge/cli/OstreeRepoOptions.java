package dev.debforge.cli;

import dev.debforge.plan.BuildRequest;
import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.ToolException;
import dev.debforge.process.ProcessRunner;
import dev.debforge.recipe.UserText;
import dev.debforge.stage.publishostree.ArchiveRepository;
import dev.debforge.stage.publishostree.SigningKey;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The option of the commands that compose: publish the commit to an OSTree repository too. */
final class OstreeRepoOptions {

  static final String OPTION = "--ostree-repo";

  @Option(
      names = OPTION,
      paramLabel = "DIR",
      description = {
        "Also publish the composed OSTree commit to this repository, from which booted systems"
            + " update over HTTP or file:// (ostree pull). A new or empty DIR becomes an"
            + " archive-mode repository; an existing one must be in archive mode. Writes the"
            + " commit, its ref (debian/SUITE/ARCH), a static delta from the ref's previous"
            + " commit, and the summary, last. With --temporal, DIR is on the worker's host."
      })
  String repo;

  static final String SIGN = "--ostree-gpg-sign";
  static final String HOMEDIR = "--ostree-gpg-homedir";

  @Option(
      names = SIGN,
      paramLabel = "KEYID",
      description = {
        "Sign the published commit and the repository's summary with this GPG key (its"
            + " fingerprint, or key ID, in hex), so that systems that add the repository with"
            + " its public key (--origin-gpg-key, debforge-update switch --gpg-key) pull only"
            + " what it signed. gpg must have the secret key, without a passphrase or with an"
            + " agent that has it; a key it does not have is refused before the build starts."
      })
  String gpgSign;

  @Option(
      names = HOMEDIR,
      paramLabel = "DIR",
      description = {
        "gpg's home directory holding the " + SIGN + " key (default: gpg's own, ~/.gnupg or"
            + " $GNUPGHOME, of the user the build runs as: the worker's with --temporal)."
      })
  String gpgHomedir;

  /** Whether any of these options was given. */
  boolean given() {
    return repo != null || gpgSign != null || gpgHomedir != null;
  }

  /**
   * The request publishing to the repository, as an absolute path, signed when a key is given;
   * unchanged without a repository.
   */
  BuildRequest applyTo(BuildRequest request) {
    if (repo == null) {
      if (gpgSign != null || gpgHomedir != null) {
        throw new UserError((gpgSign != null ? SIGN : HOMEDIR) + " needs " + OPTION
            + "\nHint: name the repository to publish to with " + OPTION + " DIR");
      }
      return request;
    }
    BuildRequest publishing = request.withOstreeRepo(absolute().toString());
    if (gpgSign == null) {
      if (gpgHomedir != null) {
        throw new UserError(HOMEDIR + " needs " + SIGN
            + "\nHint: name the key to sign with, e.g. " + SIGN + " FINGERPRINT");
      }
      return publishing;
    }
    try {
      SigningKey.checkId(SIGN, gpgSign);
    } catch (BadInputException e) {
      throw new UserError(e.getMessage());
    }
    return publishing.withOstreeGpgSign(
        gpgSign, gpgHomedir == null ? null : absolute(HOMEDIR, gpgHomedir).toString());
  }

  /**
   * Checks, before a build starts here, that the repository can be written: a new or empty
   * directory where this user may create files, or an archive repository. A build on remote
   * workers writes on their machines, so it is not checked here.
   *
   * @throws UserError naming the option, the path and what is wrong
   */
  void checkHere(GlobalOptions global) {
    if (repo == null || global.temporal != null) {
      return;
    }
    Path path = absolute();
    try {
      ArchiveRepository.needsInit(path);
    } catch (BadInputException e) {
      throw new UserError(OPTION + ": " + e.getMessage());
    } catch (IOException e) {
      throw new UserError(OPTION + " " + path + ": cannot be read: " + e.getMessage());
    }
    Requests.checkOutputDirectory(OPTION, path);
    if (gpgSign != null) {
      String homedir = gpgHomedir == null ? null : absolute(HOMEDIR, gpgHomedir).toString();
      try {
        SigningKey.check(ProcessRunner.logging(line -> {}), SIGN, gpgSign, homedir);
      } catch (BadInputException e) {
        throw new UserError(e.getMessage());
      } catch (ToolException e) {
        throw new UserError(SIGN + ": gpg cannot be run to find the key: " + e.getMessage()
            + "\nHint: install gpg (apt-get install gpg)");
      }
    }
  }

  private Path absolute() {
    return absolute(OPTION, repo);
  }

  private static Path absolute(String option, String value) {
    if (value.isBlank()) {
      throw new UserError(option + " is empty\nHint: name a directory, e.g. " + option
          + (option.equals(OPTION) ? " /srv/ostree" : " ~/.gnupg"));
    }
    try {
      return Path.of(value).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new UserError(option + " " + UserText.quote(value) + " is not a path: "
          + e.getReason());
    }
  }
}
