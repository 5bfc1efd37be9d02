package dev.debforge.oci;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest such as {@code sha256:…}, checked to be well formed before it is ever used
 * as a file name, so that a crafted descriptor cannot point outside {@code blobs/}.
 */
public record Digest(String algorithm, String hex) {

  private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
  private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

  /**
   * Parses {@code algorithm:hex}.
   *
   * @throws IllegalArgumentException when the algorithm is not sha256 or sha512 or the hex part
   *     is not lower-case hex of the right length
   */
  public static Digest parse(String text) {
    int colon = text == null ? -1 : text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("'" + text + "' is not a digest (algorithm:hex)");
    }
    String algorithm = text.substring(0, colon);
    String hex = text.substring(colon + 1);
    Pattern shape =
        switch (algorithm) {
          case "sha256" -> SHA256;
          case "sha512" -> SHA512;
          default ->
              throw new IllegalArgumentException(
                  "digest '" + text + "' uses " + algorithm + "; debforge reads sha256 and sha512");
        };
    if (!shape.matcher(hex).matches()) {
      throw new IllegalArgumentException("digest '" + text + "' is malformed");
    }
    return new Digest(algorithm, hex);
  }

  /** A new sha256 digest of data that was hashed with {@code md}. */
  static Digest sha256(MessageDigest md) {
    return new Digest("sha256", HexFormat.of().formatHex(md.digest()));
  }

  static MessageDigest newSha256() {
    return newMessageDigest("sha256");
  }

  /** A fresh MessageDigest for this digest's algorithm. */
  public MessageDigest newMessageDigest() {
    return newMessageDigest(algorithm);
  }

  /** Where this blob lives in an OCI layout. */
  public Path blobPath(Path layoutDir) {
    return layoutDir.resolve("blobs").resolve(algorithm).resolve(hex);
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  private static MessageDigest newMessageDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm.equals("sha512") ? "SHA-512" : "SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no " + algorithm, e);
    }
  }
}
