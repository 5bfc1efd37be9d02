package dev.debforge.oci;

import java.util.List;

/**
 * What {@link OciImageWriter#write} wrote.
 *
 * @param manifestDigest the manifest's digest (the image's identity)
 * @param manifestSize the manifest's size in bytes
 * @param configDigest the config's digest (the image id)
 * @param configSize the config's size in bytes
 * @param layers the layers, in order
 */
public record WrittenImage(
    String manifestDigest,
    long manifestSize,
    String configDigest,
    long configSize,
    List<Layer> layers) {

  public WrittenImage {
    layers = List.copyOf(layers);
  }

  /**
   * One written layer.
   *
   * @param digest the compressed blob's digest
   * @param size the compressed blob's size
   * @param diffId the digest of the uncompressed tar
   * @param uncompressedSize the uncompressed tar's size
   */
  public record Layer(String digest, long size, String diffId, long uncompressedSize) {}
}
