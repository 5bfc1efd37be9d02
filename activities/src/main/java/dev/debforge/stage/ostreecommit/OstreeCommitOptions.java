package dev.debforge.stage.ostreecommit;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Options of the {@code ostree-commit} stage.
 *
 * @param ref the branch, e.g. {@code debian/bookworm/x86_64}
 * @param version the {@code version} metadata shown by {@code ostree admin status}
 * @param subject the commit subject
 * @param timestamp the commit time in seconds since the epoch, or null for the newest file time
 *     in the tree (either way, the same tree gives the same commit checksum)
 * @param adopt whether the repository takes the tree's files as its objects, hard links to the
 *     input's files ({@code ostree commit --consume}), instead of copies of their content: the same
 *     commit, made without writing the tree again, and the input's files then share their inodes
 *     with the repository (and with every deployment pulled from it). Only for a tree no step
 *     archives while another links it: a link changes a file's ctime, and tar fails on "file
 *     changed as we read it". Left out of the options' JSON when false, so that the keys of the
 *     steps that copy stay what they were.
 */
public record OstreeCommitOptions(
    String ref,
    String version,
    String subject,
    Long timestamp,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean adopt) {

  /** A commit that copies the tree's files. */
  public OstreeCommitOptions(String ref, String version, String subject, Long timestamp) {
    this(ref, version, subject, timestamp, false);
  }

  /** These options with the given commit time. */
  public OstreeCommitOptions withTimestamp(long seconds) {
    return new OstreeCommitOptions(ref, version, subject, seconds, adopt);
  }
}
