package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading QEMU's screendump, and the test that tells the installer's page from other screens. */
class ScreenTest {

  /** A P6 image of {@code width x height} whose pixels {@code colour(x, y)} gives. */
  private static byte[] ppm(int width, int height, java.util.function.IntBinaryOperator colour)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(("P6\n" + width + " " + height + "\n255\n").getBytes(StandardCharsets.US_ASCII));
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int c = colour.applyAsInt(x, y);
        out.write(c >> 16 & 0xff);
        out.write(c >> 8 & 0xff);
        out.write(c & 0xff);
      }
    }
    return out.toByteArray();
  }

  @Test
  void readsQemusPpm() throws IOException {
    Screen screen = Screen.readPpm(ppm(4, 2, (x, y) -> x == 0 ? 0x1f3a5f : 0xffffff));
    assertEquals(4, screen.width());
    assertEquals(2, screen.height());
    assertEquals(0x1f3a5f, screen.rgb()[4]);
    assertEquals(0.25, screen.share(0x1f3a5f));
    assertEquals(2, screen.colours());
    assertThrows(IOException.class, () -> Screen.readPpm("P5\n1 1\n255\n\0".getBytes(
        StandardCharsets.ISO_8859_1)));
  }

  @Test
  void tellsTheInstallerFromABlankScreenAndAConsole() throws IOException {
    Screen page = Screen.readPpm(ppm(200, 100, (x, y) -> x < 40 ? IsoIT.SIDEBAR
        : (x * 7 + y * 13) % 97 * 0x020202));
    assertTrue(IsoIT.looksLikeTheInstaller(page));
    Screen blank = Screen.readPpm(ppm(200, 100, (x, y) -> 0));
    assertFalse(IsoIT.looksLikeTheInstaller(blank));
    Screen console = Screen.readPpm(ppm(200, 100, (x, y) -> (x + y) % 5 == 0 ? 0xaaaaaa : 0));
    assertFalse(IsoIT.looksLikeTheInstaller(console));
  }
}
