package dev.debforge.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class BuildIdsTest {

  @Test
  void uuidsAreVersion8WithTheRfcVariant() {
    UUID id = new BuildIds("seed").uuid("fs:root");
    assertEquals(8, id.version());
    assertEquals(2, id.variant());
  }

  @Test
  void uuidIsTheSha256OfSeedZeroRole() {
    UUID id = new BuildIds("seed").uuid("disk");
    String hex = id.toString().replace("-", "");
    String digest = sha256Hex("seed\0disk");
    assertEquals(digest.substring(0, 12), hex.substring(0, 12));
    assertEquals('8', hex.charAt(12));
    assertEquals(digest.substring(13, 16), hex.substring(13, 16));
    assertEquals(digest.substring(18, 32), hex.substring(18, 32));
  }

  @Test
  void seedAndRoleBoundaryMatters() {
    assertNotEquals(new BuildIds("ab").uuid("c"), new BuildIds("a").uuid("bc"));
  }

  @Test
  void fatVolumeIdIsEightUpperHexDigits() {
    String id = new BuildIds("seed").fatVolumeId("fs:esp");
    assertEquals(sha256Hex("seed\0fs:esp").substring(0, 8).toUpperCase(), id);
  }

  @Test
  void rejectsAnEmptySeed() {
    assertThrows(IllegalArgumentException.class, () -> new BuildIds(""));
  }

  private static String sha256Hex(String text) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
