package dev.debforge.stage.publishostree;

/**
 * Options of the {@code publish-ostree} stage.
 *
 * @param repo the archive repository to publish to, an absolute path on the worker's host; it
 *     is created when it does not exist or is an empty directory
 */
public record PublishOstreeOptions(String repo) {}
