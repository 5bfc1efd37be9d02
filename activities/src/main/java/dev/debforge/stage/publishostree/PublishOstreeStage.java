package dev.debforge.stage.publishostree;

import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code publish-ostree}: publishes the composed OSTree commit to a repository that booted
 * systems update from, over plain HTTP or {@code file://} ({@code debforge compose
 * --ostree-repo DIR}, and {@code run}).
 *
 * <p>The repository is in archive mode, the one any static web server can serve: when the
 * directory does not exist or is empty, it is created so; a directory with other content, or a
 * repository in another mode, is refused. The commit's objects are copied in with
 * {@code ostree pull-local}; when the ref pointed at another commit before, a static delta from
 * that commit to the new one is generated, so that systems on the previous commit download
 * only what changed; then the ref is moved to the new commit, and the summary, which clients
 * read first, is rewritten last. A failure before the ref moves leaves the repository as it
 * was for clients (objects no ref names are not served); one before the summary is rewritten
 * leaves the summary naming the previous commit. Two builds must not publish to one repository
 * at the same time. This step is never cached: the repository may have changed.
 *
 * <p>With a GPG key ({@code --ostree-gpg-sign KEYID}, and {@code --ostree-gpg-homedir DIR} when
 * the key is not in gpg's default home directory of the worker's user), the commit is signed
 * ({@code ostree gpg-sign}) right after it is copied in, before the delta is generated and the
 * ref moves, and the summary is rewritten signed ({@code summary -u --gpg-sign}, which writes
 * {@code summary.sig}): clients that add the repository with the public key and gpg-verify on
 * accept nothing else. A key whose secret part gpg does not have is refused before anything is
 * written. Without a key, the repository is unsigned, as before signing existed, and a
 * {@code summary.sig} left from a signed publication is removed by ostree with the old summary.
 *
 * <p>Input: {@code commit} (the {@code ostree-commit} step). Facts: {@code repo} (the directory),
 * {@code ref}, {@code commit}, {@code previous} (the commit the ref pointed at before, or empty),
 * {@code delta} ({@code PREVIOUS-COMMIT}, or empty when none was generated), and
 * {@code artifact} and {@code type} ({@code ostree}), as every publishing step names what it
 * wrote; when signed, {@code signedBy} (the key ID as given).
 */
public final class PublishOstreeStage implements Stage<PublishOstreeOptions> {

  public static final String ID = "publish-ostree";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public Class<PublishOstreeOptions> optionsType() {
    return PublishOstreeOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, PublishOstreeOptions options) throws Exception {
    Path repo = repository(options);
    ToolRunner tools = context.tools();
    String key = options.gpgSign();
    String homedir = key == null ? null : homedir(options);
    if (key != null) {
      SigningKey.check(tools, ID + ": gpgSign", key, homedir);
    }
    Map<String, String> committed = context.facts("commit");
    String ref = committed.get("ref");
    String commit = committed.get("commit");
    Path source = context.input("commit").resolve("repo");
    if (ArchiveRepository.needsInit(repo)) {
      context.progress("creating the archive repository " + repo);
      Files.createDirectories(repo);
      tools.run(OstreeArchive.init(repo));
    }
    String previous = current(tools, repo, ref);
    context.progress("copying commit " + commit + " into " + repo);
    tools.run(OstreeArchive.pullLocal(repo, source, commit));
    if (key != null) {
      context.progress("signing commit " + commit + " with GPG key " + key);
      tools.run(OstreeArchive.gpgSign(repo, commit, key, homedir));
    }
    String delta = "";
    if (!previous.isEmpty() && !previous.equals(commit)) {
      context.progress("generating the static delta from " + previous);
      tools.run(OstreeArchive.staticDelta(repo, previous, commit));
      delta = previous + "-" + commit;
    }
    context.progress("moving " + ref + " to " + commit);
    tools.run(OstreeArchive.pullLocal(repo, source, ref));
    String moved = current(tools, repo, ref);
    if (!moved.equals(commit)) {
      throw new IOException(
          repo + ": " + ref + " points at " + moved + " after publishing " + commit
              + "; did another build publish to this repository at the same time?");
    }
    context.progress("updating the summary");
    tools.run(key == null
        ? OstreeArchive.updateSummary(repo)
        : OstreeArchive.updateSummary(repo, key, homedir));
    Map<String, String> facts = new TreeMap<>();
    facts.put("repo", repo.toString());
    facts.put("ref", ref);
    facts.put("commit", commit);
    facts.put("previous", previous);
    facts.put("delta", delta);
    facts.put("artifact", repo.toString());
    facts.put("type", "ostree");
    if (key != null) {
      facts.put("signedBy", key);
    }
    return new StageOutput(facts);
  }

  /**
   * The repository's path. The CLI makes it absolute, since the worker has no working directory
   * of the user's; a relative one here would land wherever the worker was started.
   */
  static Path repository(PublishOstreeOptions options) throws BadInputException {
    if (options.repo() == null || options.repo().isBlank()) {
      throw new BadInputException(ID + ": no repository given", "give --ostree-repo DIR");
    }
    Path repo = Path.of(options.repo());
    if (!repo.isAbsolute()) {
      throw new BadInputException(
          ID + ": the repository " + options.repo() + " is not an absolute path",
          "give the path from /; debforge's CLI makes --ostree-repo absolute itself");
    }
    return repo.normalize();
  }

  /**
   * gpg's home directory for the signing key, or null for gpg's default one. Like the
   * repository, it is absolute: the worker has no working directory of the user's.
   */
  static String homedir(PublishOstreeOptions options) throws BadInputException {
    String homedir = options.gpgHomedir();
    if (homedir == null) {
      return null;
    }
    if (homedir.isBlank() || !Path.of(homedir).isAbsolute()) {
      throw new BadInputException(
          ID + ": the GPG home directory " + homedir + " is not an absolute path",
          "give the path from /; debforge's CLI makes --ostree-gpg-homedir absolute itself");
    }
    return Path.of(homedir).normalize().toString();
  }

  /** The commit {@code ref} points at in {@code repo}, or empty when the repository lacks it. */
  private static String current(ToolRunner tools, Path repo, String ref) throws Exception {
    boolean present =
        tools.run(OstreeArchive.refs(repo)).stdout().lines().map(String::strip)
            .anyMatch(ref::equals);
    return present ? tools.run(OstreeArchive.revParse(repo, ref)).stdout().strip() : "";
  }
}
