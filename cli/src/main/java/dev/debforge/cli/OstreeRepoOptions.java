package dev.debforge.cli;

import dev.debforge.plan.BuildRequest;
import dev.debforge.plugin.BadInputException;
import dev.debforge.recipe.UserText;
import dev.debforge.stage.publishostree.ArchiveRepository;
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

  /** The request publishing to the repository, as an absolute path; unchanged without one. */
  BuildRequest applyTo(BuildRequest request) {
    return repo == null ? request : request.withOstreeRepo(absolute().toString());
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
  }

  private Path absolute() {
    if (repo.isBlank()) {
      throw new UserError(OPTION + " is empty\nHint: name a directory, e.g. " + OPTION
          + " /srv/ostree");
    }
    try {
      return Path.of(repo).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new UserError(OPTION + " " + UserText.quote(repo) + " is not a path: " + e.getReason());
    }
  }
}
