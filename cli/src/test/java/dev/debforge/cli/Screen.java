package dev.debforge.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A QEMU guest's screen, taken with the human monitor's {@code screendump} (a binary PPM) over
 * the monitor's Unix socket ({@code -monitor unix:PATH,server,nowait}), and the measures a test
 * needs to tell a graphical page from a blank screen or a text console.
 *
 * @param width pixels across
 * @param height pixels down
 * @param rgb each pixel as {@code 0xRRGGBB}, row by row
 */
record Screen(int width, int height, int[] rgb) {

  /** Takes the screen of the QEMU whose monitor listens on {@code monitor}, through {@code ppm}. */
  static Screen dump(Path monitor, Path ppm) throws IOException {
    Files.deleteIfExists(ppm);
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(monitor));
      readPrompt(channel);
      channel.write(ByteBuffer.wrap(("screendump " + ppm + "\n")
          .getBytes(StandardCharsets.US_ASCII)));
      readPrompt(channel);
    }
    return readPpm(Files.readAllBytes(ppm));
  }

  /** Reads the monitor's output up to its next {@code (qemu)} prompt. */
  private static void readPrompt(SocketChannel channel) throws IOException {
    StringBuilder seen = new StringBuilder();
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    while (!seen.toString().endsWith("(qemu) ")) {
      buffer.clear();
      if (channel.read(buffer) < 0) {
        throw new IOException("the QEMU monitor closed: " + seen);
      }
      seen.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1));
    }
  }

  /** A binary PPM ({@code P6}, 8 bits a channel), as QEMU writes it. */
  static Screen readPpm(byte[] ppm) throws IOException {
    int[] at = {0};
    String magic = token(ppm, at);
    if (!magic.equals("P6")) {
      throw new IOException("not a binary PPM: " + magic);
    }
    int width = Integer.parseInt(token(ppm, at));
    int height = Integer.parseInt(token(ppm, at));
    int max = Integer.parseInt(token(ppm, at));
    if (max != 255) {
      throw new IOException("a PPM with " + max + " levels a channel");
    }
    int start = at[0] + 1;
    if (ppm.length < start + 3 * width * height) {
      throw new IOException("the PPM is cut short");
    }
    int[] rgb = new int[width * height];
    for (int i = 0; i < rgb.length; i++) {
      int p = start + 3 * i;
      rgb[i] = (ppm[p] & 0xff) << 16 | (ppm[p + 1] & 0xff) << 8 | (ppm[p + 2] & 0xff);
    }
    return new Screen(width, height, rgb);
  }

  private static String token(byte[] bytes, int[] at) {
    while (Character.isWhitespace(bytes[at[0]])) {
      at[0]++;
    }
    int start = at[0];
    while (!Character.isWhitespace(bytes[at[0]])) {
      at[0]++;
    }
    return new String(bytes, start, at[0] - start, StandardCharsets.US_ASCII);
  }

  /** The share of the pixels that have exactly this colour. */
  double share(int color) {
    long count = 0;
    for (int pixel : rgb) {
      if (pixel == color) {
        count++;
      }
    }
    return rgb.length == 0 ? 0 : (double) count / rgb.length;
  }

  /** The share of the screen's most common colour: near 1 for a blank screen. */
  double mostCommonShare() {
    Map<Integer, Integer> counts = new HashMap<>();
    for (int pixel : rgb) {
      counts.merge(pixel, 1, Integer::sum);
    }
    int most = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    return rgb.length == 0 ? 0 : (double) most / rgb.length;
  }

  /** How many colours are on the screen: a text console has a handful, a rendered page many. */
  long colours() {
    return java.util.Arrays.stream(rgb).distinct().count();
  }

  void writePng(Path file) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, width, height, rgb, 0, width);
    Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(image, "png", file.toFile());
  }
}
