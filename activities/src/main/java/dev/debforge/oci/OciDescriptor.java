package dev.debforge.oci;

import java.util.Map;
import java.util.Objects;

/**
 * An OCI content descriptor: what a blob is, its digest and its size in bytes.
 *
 * @param mediaType the blob's media type
 * @param digest {@code algorithm:hex}, e.g. {@code sha256:…}
 * @param size the blob's size in bytes
 * @param annotations the descriptor's annotations (empty when there are none)
 */
public record OciDescriptor(
    String mediaType, String digest, long size, Map<String, String> annotations) {

  public OciDescriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public OciDescriptor(String mediaType, String digest, long size) {
    this(mediaType, digest, size, Map.of());
  }
}
