package dev.debforge.disk;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;

/**
 * Identifiers derived from a build seed, so that two builds with the same seed get the same
 * disk GUID, partition GUIDs and file system UUIDs, and their images can be compared byte for
 * byte.
 *
 * <p>Each identifier is named by a role (such as {@code fs:root}). Its bytes are the first bytes
 * of {@code sha256(UTF-8(seed) || 0x00 || UTF-8(role))}; the zero byte keeps {@code ("ab", "c")}
 * and {@code ("a", "bc")} apart. A UUID takes 16 bytes and gets the RFC 9562 version 8 ("custom")
 * and variant {@code 10} bits: the value is name-based rather than random, and version 8 says so
 * honestly, where a version 4 would claim randomness. Every tool that takes a UUID here (sfdisk,
 * mke2fs, mkfs.btrfs, mkfs.xfs, GRUB's {@code search --fs-uuid}) accepts any version.
 */
public final class BuildIds {

  private final String seed;

  public BuildIds(String seed) {
    this.seed = Objects.requireNonNull(seed, "seed");
    if (seed.isEmpty()) {
      throw new IllegalArgumentException("the build seed must not be empty");
    }
  }

  public String seed() {
    return seed;
  }

  /** The UUID for a role, such as {@code disk} or {@code fs:root}. */
  public UUID uuid(String role) {
    byte[] b = digest(role);
    b[6] = (byte) ((b[6] & 0x0F) | 0x80);
    b[8] = (byte) ((b[8] & 0x3F) | 0x80);
    long high = 0;
    long low = 0;
    for (int i = 0; i < 8; i++) {
      high = (high << 8) | (b[i] & 0xFF);
      low = (low << 8) | (b[i + 8] & 0xFF);
    }
    return new UUID(high, low);
  }

  /**
   * A FAT volume id for a role: eight upper-case hex digits, as {@code mkfs.vfat -i} takes it.
   * fstab refers to it as {@code UUID=XXXX-XXXX}.
   */
  public String fatVolumeId(String role) {
    return HexFormat.of().withUpperCase().formatHex(digest(role), 0, 4);
  }

  private byte[] digest(String role) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(seed.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(role.getBytes(StandardCharsets.UTF_8));
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
