package dev.debforge.oci;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;

/**
 * The uncompressed tar of one layer, read from its blob. Both checks happen while the stream is
 * read, in a single pass: the blob's digest and size against the manifest's descriptor, and the
 * uncompressed bytes against the config's diff_id. They are decided by {@link #finish()}, which
 * reads whatever the tar reader left (end-of-archive padding, compression trailers) and must be
 * called after the tar has been consumed; until it returns, nothing read may be trusted.
 */
public final class LayerStream extends InputStream {

  private static final int BUFFER = 1 << 20;

  private final int index;
  private final OciDescriptor descriptor;
  private final String diffId;
  private final Path blob;
  private final Hashing raw;
  private final InputStream decompressed;
  private final MessageDigest diffDigest = Digest.newSha256();
  private long uncompressedBytes;

  LayerStream(int index, OciDescriptor descriptor, String diffId, Path blob) throws IOException {
    this.index = index;
    this.descriptor = descriptor;
    this.diffId = diffId;
    this.blob = blob;
    this.raw =
        new Hashing(Files.newInputStream(blob), Digest.parse(descriptor.digest()).newMessageDigest());
    InputStream decoder;
    try {
      decoder =
          switch (OciMediaTypes.layerCompression(descriptor.mediaType())) {
            case NONE -> new BufferedInputStream(raw, BUFFER);
            case GZIP -> new GZIPInputStream(raw, BUFFER);
            case ZSTD -> new ZstdInputStream(new BufferedInputStream(raw, BUFFER));
          };
    } catch (IOException e) {
      raw.close();
      throw e;
    }
    this.decompressed = decoder;
  }

  /** The layer's position in the manifest, from 0. */
  public int index() {
    return index;
  }

  /** The layer's descriptor from the manifest. */
  public OciDescriptor descriptor() {
    return descriptor;
  }

  /** The diff_id the config gives for this layer. */
  public String diffId() {
    return diffId;
  }

  /** Uncompressed bytes read so far. */
  public long uncompressedBytes() {
    return uncompressedBytes;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = decompressed.read(buffer, offset, length);
    if (n > 0) {
      diffDigest.update(buffer, offset, n);
      uncompressedBytes += n;
    }
    return n;
  }

  /**
   * Reads the rest of the layer and checks the blob's size and digest, then the diff_id.
   *
   * @throws OciException naming the blob and both digests when either check fails
   */
  public void finish() throws IOException, OciException {
    byte[] buffer = new byte[BUFFER];
    while (read(buffer, 0, buffer.length) >= 0) {
      // Drained only to be hashed.
    }
    while (raw.read(buffer, 0, buffer.length) >= 0) {
      // Bytes after the compressed stream still belong to the blob and its digest.
    }
    String actualBlob = raw.digest();
    if (raw.count != descriptor.size() || !actualBlob.equals(descriptor.digest())) {
      throw blobMismatch(actualBlob, raw.count);
    }
    String actualDiffId = Digest.sha256(diffDigest).toString();
    if (!actualDiffId.equals(diffId)) {
      throw new OciException(
          "layer "
              + index
              + " ("
              + descriptor.digest()
              + ") does not match its diff_id: the config says "
              + diffId
              + ", the uncompressed content is "
              + actualDiffId,
          blob,
          "the image's config and layers disagree; rebuild or re-copy the image, and discard"
              + " the directory it was being extracted into");
    }
  }

  /**
   * Hashes the whole blob file on its own, for when reading the layer failed: a corrupt blob
   * then gets a digest error instead of a decompressor's message.
   *
   * @throws OciException when the blob does not match its descriptor
   */
  public void checkBlob() throws IOException, OciException {
    Digest expected = Digest.parse(descriptor.digest());
    try (Hashing whole = new Hashing(Files.newInputStream(blob), expected.newMessageDigest())) {
      byte[] buffer = new byte[BUFFER];
      while (whole.read(buffer, 0, buffer.length) >= 0) {
        // Hashing only.
      }
      String actual = whole.digest();
      if (whole.count != descriptor.size() || !actual.equals(descriptor.digest())) {
        throw blobMismatch(actual, whole.count);
      }
    }
  }

  private OciException blobMismatch(String actual, long size) {
    return new OciException(
        "layer "
            + index
            + " blob is corrupt: the manifest says "
            + descriptor.digest()
            + " ("
            + descriptor.size()
            + " bytes), the file is "
            + actual
            + " ("
            + size
            + " bytes)",
        blob,
        "copy the image again (e.g. skopeo copy), and discard the directory it was being"
            + " extracted into");
  }

  @Override
  public void close() throws IOException {
    try {
      decompressed.close();
    } finally {
      raw.close();
    }
  }

  /** Counts and hashes every byte that passes. */
  private static final class Hashing extends FilterInputStream {
    private final MessageDigest md;
    private long count;

    Hashing(InputStream in, MessageDigest md) {
      super(in);
      this.md = md;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        md.update((byte) b);
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        md.update(buffer, offset, n);
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Skipping would leave bytes unhashed; read them instead.
      byte[] buffer = new byte[(int) Math.min(n, 8192)];
      int read = read(buffer, 0, buffer.length);
      return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    String digest() {
      String algorithm = md.getAlgorithm().equals("SHA-512") ? "sha512" : "sha256";
      return algorithm + ":" + java.util.HexFormat.of().formatHex(md.digest());
    }
  }
}
