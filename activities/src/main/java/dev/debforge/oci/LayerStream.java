package dev.debforge.oci;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * The uncompressed tar of one layer, read from its blob.
 *
 * <p>The blob's size and digest are checked against the manifest's descriptor before a single
 * byte is decompressed, so a blob that was changed or cut short stops the extraction before it
 * starts. The bytes are hashed again while they are read, so a blob changed after that check is
 * still caught; that check and the diff_id (the digest of the uncompressed bytes, which only the
 * end of the stream can decide) are made by {@link #finish()}, which reads whatever the tar reader
 * left (end-of-archive padding, compression trailers) and must be called after the tar has been
 * consumed; until it returns, nothing read may be trusted.
 *
 * <p>A stream that cannot be decompressed, or that goes past the limit set with {@link
 * #limit(long, String)}, fails its read with a {@link Unreadable}, whose message is written for
 * the user.
 */
public final class LayerStream extends InputStream {

  private static final int BUFFER = 1 << 20;

  private final int index;
  private final OciDescriptor descriptor;
  private final String diffId;
  private final Path blob;
  private final Hashing raw;
  private InputStream decompressed;
  private final MessageDigest diffDigest = Digest.newSha256();
  private long uncompressedBytes;
  private long limit = Long.MAX_VALUE;
  private String limitReason;

  /**
   * A read that failed because of the layer's content: data that does not decompress, or more of
   * it than the limit allows. The message says what is wrong in plain words.
   */
  public static final class Unreadable extends IOException {
    private static final long serialVersionUID = 1L;

    private final String hint;

    Unreadable(String message, String hint, Throwable cause) {
      super(message, cause);
      this.hint = hint;
    }

    /** What the user could do, or {@code null} when the layer is simply broken. */
    public String hint() {
      return hint;
    }
  }

  /**
   * @param checked whether the blob's content was checked against its digest as it was written
   *     (an archive debforge unpacked): then only its size is checked before it is read
   */
  LayerStream(int index, OciDescriptor descriptor, String diffId, Path blob, boolean checked)
      throws IOException, OciException {
    this.index = index;
    this.descriptor = descriptor;
    this.diffId = diffId;
    this.blob = blob;
    if (!checked || Files.size(blob) != descriptor.size()) {
      checkBlob();
    }
    this.raw =
        new Hashing(
            Files.newInputStream(blob), Digest.parse(descriptor.digest()).newMessageDigest());
  }

  /**
   * The decompressor over the blob, made on the first read so that its errors are reads'. It
   * runs on a thread of its own ({@link ReadAhead}), which also hashes the uncompressed bytes for
   * the diff_id and, once the compressed stream ends, reads the rest of the blob: the reader's
   * thread is left to write the files.
   */
  private InputStream decompressed() {
    if (decompressed == null) {
      decompressed =
          new ReadAhead(
              "layer-" + index + "-read",
              () -> switch (OciMediaTypes.layerCompression(descriptor.mediaType())) {
                case NONE -> raw;
                case GZIP -> new GZIPInputStream(raw, BUFFER);
                case ZSTD -> new ZstdInputStream(new BufferedInputStream(raw, BUFFER));
              },
              new ReadAhead.Chunks() {
                @Override
                public void read(byte[] buffer, int length) {
                  diffDigest.update(buffer, 0, length);
                }

                @Override
                public void ended() throws IOException {
                  byte[] rest = new byte[BUFFER];
                  while (raw.read(rest, 0, rest.length) >= 0) {
                    // Bytes after the compressed stream still belong to the blob and its digest.
                  }
                }
              });
    }
    return decompressed;
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

  /**
   * Makes reads fail once more than {@code bytes} uncompressed bytes have been read.
   *
   * @param reason why, for the message (e.g. the setting that sets the limit)
   */
  public void limit(long bytes, String reason) {
    this.limit = bytes;
    this.limitReason = reason;
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
    int n;
    try {
      n = decompressed().read(buffer, offset, length);
    } catch (IOException e) {
      if (e == raw.failure) {
        // Reading the blob file failed: the host's trouble, not the layer's.
        throw e;
      }
      throw e instanceof EOFException
          ? new Unreadable(
              "its " + compression() + " data ends before the compressed stream does ("
                  + e.getMessage() + "): the layer is truncated", null, e)
          : new Unreadable(
              "its " + compression() + " data cannot be decompressed (" + e.getMessage()
                  + "): the layer is truncated or corrupt",
              null, e);
    } catch (RuntimeException e) {
      // The zstd decoder reports corrupt input as unchecked exceptions.
      throw new Unreadable(
          "its " + compression() + " data cannot be decompressed (" + e.getMessage()
              + "): the layer is truncated or corrupt",
          null, e);
    }
    if (n > 0 && uncompressedBytes + n > limit) {
      throw new Unreadable(
          "its uncompressed tar is larger than " + limit + " bytes, " + limitReason,
          "an image this large is most likely malformed or hostile; if it is not, raise the"
              + " ceiling with DEBFORGE_MAX_IMAGE_BYTES=BYTES (or -Ddebforge.maxImageBytes=BYTES)"
              + " where the worker runs",
          null);
    }
    if (n > 0) {
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
    // The thread that decompressed the layer has read the rest of the blob and hashed the
    // uncompressed bytes by the time the end was read.
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
          "the image's config does not describe this layer; rebuild the image, or copy it again"
              + " from where it was built");
    }
  }

  /**
   * Hashes the whole blob file on its own, before it is decompressed: a corrupt blob then stops
   * the extraction before anything is written, with a digest error instead of a decompressor's
   * message.
   *
   * @throws OciException when the blob does not match its descriptor
   */
  private void checkBlob() throws IOException, OciException {
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

  private String compression() {
    return OciMediaTypes.layerCompression(descriptor.mediaType()).name().toLowerCase(Locale.ROOT);
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
        "the blob was damaged or changed after the image was written; copy the image again"
            + " (e.g. skopeo copy) from where it was built");
  }

  @Override
  public void close() throws IOException {
    try {
      if (decompressed != null) {
        decompressed.close();
      }
    } finally {
      raw.close();
    }
  }

  /** Counts and hashes every byte that passes. */
  private static final class Hashing extends FilterInputStream {
    private final MessageDigest md;
    private long count;
    /** The exception a read of the file threw, told apart from a decompressor's own. */
    private IOException failure;

    Hashing(InputStream in, MessageDigest md) {
      super(in);
      this.md = md;
    }

    @Override
    public int read() throws IOException {
      int b;
      try {
        b = in.read();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
      if (b >= 0) {
        md.update((byte) b);
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n;
      try {
        n = in.read(buffer, offset, length);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
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
