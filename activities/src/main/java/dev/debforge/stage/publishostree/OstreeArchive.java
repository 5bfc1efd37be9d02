package dev.debforge.stage.publishostree;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Command lines that publish a commit into an archive-mode OSTree repository. */
final class OstreeArchive {

  /** A static delta between two full systems takes minutes; pulls and summaries less. */
  static final Duration TIMEOUT = Duration.ofMinutes(30);

  private OstreeArchive() {}

  /** Creates an archive repository, the mode that a static web server can serve. */
  static ToolCall init(Path repo) {
    return call(repo, "init", "--mode=archive");
  }

  /** Lists the repository's refs, one a line. */
  static ToolCall refs(Path repo) {
    return call(repo, "refs");
  }

  /** Prints the commit a ref points at. */
  static ToolCall revParse(Path repo, String ref) {
    return call(repo, "rev-parse", ref);
  }

  /**
   * Copies objects from another repository on this host. Given a commit, it copies the commit
   * and writes no ref; given a ref, it also points the ref at the source's commit, in the same
   * transaction.
   */
  static ToolCall pullLocal(Path repo, Path source, String commitOrRef) {
    return call(repo, "pull-local", source.toString(), commitOrRef);
  }

  /** Writes the delta a client holding {@code from} downloads instead of {@code to}'s objects. */
  static ToolCall staticDelta(Path repo, String from, String to) {
    return call(repo, "static-delta", "generate", "--from=" + from, "--to=" + to);
  }

  /** Rewrites the summary file: the refs, their commits and the deltas that clients read first. */
  static ToolCall updateSummary(Path repo) {
    return call(repo, "summary", "--update");
  }

  /**
   * Rewrites the summary file and signs it ({@code summary.sig}), which clients verifying the
   * summary read with it.
   *
   * @param homedir gpg's home directory, or null for gpg's default one
   */
  static ToolCall updateSummary(Path repo, String keyId, String homedir) {
    List<String> args = new ArrayList<>(List.of("summary", "-u", "--gpg-sign=" + keyId));
    if (homedir != null) {
      args.add("--gpg-homedir=" + homedir);
    }
    return call(repo, args.toArray(String[]::new));
  }

  /**
   * Signs a commit of the repository: the signature is the commit's detached metadata, which
   * clients with gpg-verify fetch with it.
   *
   * @param homedir gpg's home directory, or null for gpg's default one
   */
  static ToolCall gpgSign(Path repo, String commit, String keyId, String homedir) {
    List<String> args = new ArrayList<>(List.of("gpg-sign"));
    if (homedir != null) {
      args.add("--gpg-homedir=" + homedir);
    }
    args.add(commit);
    args.add(keyId);
    return call(repo, args.toArray(String[]::new));
  }

  private static ToolCall call(Path repo, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add("ostree");
    argv.add("--repo=" + repo);
    argv.addAll(List.of(args));
    return ToolCall.of(argv, TIMEOUT);
  }
}
