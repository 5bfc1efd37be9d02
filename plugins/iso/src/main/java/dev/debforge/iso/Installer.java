package dev.debforge.iso;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The install script the ISO carries at {@code /debforge/install} ({@code install.sh} beside
 * this class): what the unattended install runs and what an interactive installer calls.
 */
final class Installer {

  /** The script's bytes. */
  static final byte[] SCRIPT = read();

  /** Its sha256, part of the ISO step's options and so of its store key. */
  static final String SHA256 = sha256(SCRIPT);

  private Installer() {}

  private static byte[] read() {
    try (InputStream in = Installer.class.getResourceAsStream("install.sh")) {
      if (in == null) {
        throw new IllegalStateException("install.sh is missing from the iso plugin's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
