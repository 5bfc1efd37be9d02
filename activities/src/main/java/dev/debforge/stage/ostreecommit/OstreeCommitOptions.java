package dev.debforge.stage.ostreecommit;

/**
 * Options of the {@code ostree-commit} stage.
 *
 * @param ref the branch, e.g. {@code debian/bookworm/x86_64}
 * @param version the {@code version} metadata shown by {@code ostree admin status}
 * @param subject the commit subject
 * @param timestamp the commit time in seconds since the epoch, or null for now (a fixed one makes
 *     the commit checksum reproducible)
 */
public record OstreeCommitOptions(String ref, String version, String subject, Long timestamp) {}
