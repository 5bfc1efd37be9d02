package dev.debforge.recipe;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one check of an SSH public key, for a recipe's {@code users[].ssh-keys} and a {@code
 * --config} file's {@code customizations.user[].key}: one line of a {@code .pub} file, a key
 * type, the key in base64 whose own type name matches it, and an optional comment. Options
 * before the type ({@code command="…"}, {@code from="…"}) are refused: they would change what
 * the key may do, and the line is written to {@code authorized_keys} as it is.
 */
public final class SshPublicKey {

  /** What to do about a key this class refuses. */
  public static final String HINT =
      "paste one line of a .pub file, e.g. 'ssh-ed25519 AAAAC3Nza... you@host', without"
          + " options before the key type";

  private static final Pattern KEY =
      Pattern.compile(
          "(?<type>ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\\.com"
              + "|sk-ecdsa-sha2-nistp256@openssh\\.com) (?<blob>AAAA[A-Za-z0-9+/]+={0,3})"
              + "( [^\\p{Cntrl}]*)?");

  private SshPublicKey() {}

  /** What is wrong with the key, or null when nothing is. */
  public static String problem(String key) {
    Matcher m = KEY.matcher(key);
    if (!m.matches()) {
      return UserText.quote(shortened(key)) + " is not an OpenSSH public key";
    }
    String embedded = embeddedType(m.group("blob"));
    if (!m.group("type").equals(embedded)) {
      return UserText.quote(shortened(key)) + " is not an OpenSSH public key: its base64 part"
          + (embedded == null ? " is not a key" : " is a " + UserText.quote(embedded) + " key");
    }
    return null;
  }

  /** The key type named inside the base64 blob, or null when the blob is not a key. */
  private static String embeddedType(String blob) {
    try {
      // Only the type's bytes are needed, so only whole 4-character groups are decoded.
      String head = blob.substring(0, Math.min(blob.length(), 96) / 4 * 4);
      ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(head));
      int length = bytes.getInt();
      if (length <= 0 || length > 64 || length > bytes.remaining()) {
        return null;
      }
      byte[] type = new byte[length];
      bytes.get(type);
      return new String(type, StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
      return null;
    }
  }

  private static String shortened(String key) {
    return key.length() <= 60 ? key : key.substring(0, 57) + "...";
  }
}
