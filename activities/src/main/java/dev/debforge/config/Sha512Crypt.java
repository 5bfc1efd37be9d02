package dev.debforge.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * SHA-512 crypt ({@code $6$SALT$HASH}, Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512"
 * with the default 5000 rounds): what {@code openssl passwd -6} and glibc's {@code crypt(3)}
 * make, and what {@code /etc/shadow} takes. bootc-image-builder's configs give users' passwords
 * in plain text; debforge hashes them with a random salt as it reads them, so only the hash
 * travels in a build request, its history and the store.
 */
public final class Sha512Crypt {

  private static final String ALPHABET =
      "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final int ROUNDS = 5000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The order in which the digest's bytes are encoded, three at a time. */
  private static final int[][] ORDER = {
    {0, 21, 42}, {22, 43, 1}, {44, 2, 23}, {3, 24, 45}, {25, 46, 4}, {47, 5, 26}, {6, 27, 48},
    {28, 49, 7}, {50, 8, 29}, {9, 30, 51}, {31, 52, 10}, {53, 11, 32}, {12, 33, 54},
    {34, 55, 13}, {56, 14, 35}, {15, 36, 57}, {37, 58, 16}, {59, 17, 38}, {18, 39, 60},
    {40, 61, 19}, {62, 20, 41}
  };

  private Sha512Crypt() {}

  /** The hash of {@code password} with a random 16-character salt. */
  public static String hash(String password) {
    StringBuilder salt = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      salt.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return hash(password, salt.toString());
  }

  /** The hash of {@code password} with {@code salt} (at most 16 characters are used). */
  public static String hash(String password, String salt) {
    byte[] key = password.getBytes(StandardCharsets.UTF_8);
    byte[] s = salt.substring(0, Math.min(16, salt.length())).getBytes(StandardCharsets.UTF_8);
    MessageDigest b = sha512();
    b.update(key);
    b.update(s);
    b.update(key);
    byte[] alternate = b.digest();

    MessageDigest a = sha512();
    a.update(key);
    a.update(s);
    int n;
    for (n = key.length; n > 64; n -= 64) {
      a.update(alternate, 0, 64);
    }
    a.update(alternate, 0, n);
    for (n = key.length; n > 0; n >>= 1) {
      if ((n & 1) != 0) {
        a.update(alternate);
      } else {
        a.update(key);
      }
    }
    byte[] result = a.digest();

    MessageDigest dp = sha512();
    for (int i = 0; i < key.length; i++) {
      dp.update(key);
    }
    byte[] p = repeat(dp.digest(), key.length);
    MessageDigest ds = sha512();
    for (int i = 0; i < 16 + (result[0] & 0xff); i++) {
      ds.update(s);
    }
    byte[] saltBytes = repeat(ds.digest(), s.length);

    for (int round = 0; round < ROUNDS; round++) {
      MessageDigest c = sha512();
      c.update((round & 1) != 0 ? p : result);
      if (round % 3 != 0) {
        c.update(saltBytes);
      }
      if (round % 7 != 0) {
        c.update(p);
      }
      c.update((round & 1) != 0 ? result : p);
      result = c.digest();
    }

    StringBuilder out = new StringBuilder("$6$").append(new String(s, StandardCharsets.UTF_8))
        .append('$');
    for (int[] triple : ORDER) {
      encode(out, result[triple[0]], result[triple[1]], result[triple[2]], 4);
    }
    encode(out, (byte) 0, (byte) 0, result[63], 2);
    return out.toString();
  }

  private static void encode(StringBuilder out, byte b2, byte b1, byte b0, int chars) {
    int w = ((b2 & 0xff) << 16) | ((b1 & 0xff) << 8) | (b0 & 0xff);
    for (int i = 0; i < chars; i++) {
      out.append(ALPHABET.charAt(w & 0x3f));
      w >>>= 6;
    }
  }

  private static byte[] repeat(byte[] digest, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = digest[i % digest.length];
    }
    return out;
  }

  private static MessageDigest sha512() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-512", e);
    }
  }
}
