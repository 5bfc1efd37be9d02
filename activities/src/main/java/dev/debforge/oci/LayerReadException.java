package dev.debforge.oci;

import java.io.IOException;

/**
 * Applying one layer failed while it was read or written. It names the layer, so that whoever
 * reports the failure can say which layer of which image; {@link #malformation()} tells a
 * damaged layer (bad input) from trouble on this machine (a full disk).
 */
public final class LayerReadException extends IOException {

  private static final long serialVersionUID = 1L;

  private final int index;
  private final String digest;

  public LayerReadException(int index, String digest, String message, IOException cause) {
    super(message, cause);
    this.index = index;
    this.digest = digest;
  }

  /** The layer's position in the manifest, from 0. */
  public int index() {
    return index;
  }

  /** The layer blob's digest, as the manifest gives it. */
  public String digest() {
    return digest;
  }

  /** What is wrong with the layer's data (see {@link MalformedData}), or null when nothing is. */
  public String malformation() {
    return MalformedData.problem(getCause());
  }
}
