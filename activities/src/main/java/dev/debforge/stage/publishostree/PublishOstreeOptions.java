package dev.debforge.stage.publishostree;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Options of the {@code publish-ostree} stage.
 *
 * @param repo the archive repository to publish to, an absolute path on the worker's host; it
 *     is created when it does not exist or is an empty directory
 * @param gpgSign the GPG key (its fingerprint or key ID, in hex) the commit and the summary are
 *     signed with, or null to publish unsigned; left out of the options' JSON when null, so that
 *     plans without it keep their keys
 * @param gpgHomedir gpg's home directory holding that key's secret part, an absolute path on
 *     the worker's host, or null for gpg's default one of the worker's user; left out of the
 *     options' JSON when null
 */
public record PublishOstreeOptions(
    String repo,
    @JsonInclude(JsonInclude.Include.NON_NULL) String gpgSign,
    @JsonInclude(JsonInclude.Include.NON_NULL) String gpgHomedir) {

  public PublishOstreeOptions(String repo) {
    this(repo, null, null);
  }
}
