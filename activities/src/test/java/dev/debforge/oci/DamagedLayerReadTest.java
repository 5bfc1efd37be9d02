package dev.debforge.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers whose blob matches its digest but whose data is cut short: the extractor reports which
 * layer failed, and {@link LayerReadException#malformation()} tells that it is the data's fault.
 */
class DamagedLayerReadTest {

  @TempDir Path dir;

  private Path tarWithABigFile() throws Exception {
    Path tar = dir.resolve("layer.tar");
    try (TarBuilder builder = new TarBuilder(tar)) {
      builder.file("usr/share/big", "x".repeat(300_000));
    }
    return tar;
  }

  private LayerReadException extractionFailure(Path layout) {
    return assertThrows(
        LayerReadException.class,
        () ->
            new LayerExtractor(new ProcessToolRunner())
                .extract(OciImageReader.open(layout, null), dir.resolve("root"), (a, b) -> {}));
  }

  @Test
  void truncatedGzipLayerIsReportedAsTruncatedData() throws Exception {
    Path tar = tarWithABigFile();
    String diffId = OciImageWriterTest.sha256(Files.readAllBytes(tar));
    Path layout =
        LayoutFixture.write(
            dir.resolve("gz"), tar, OciMediaTypes.LAYER_TAR_GZIP, diffId,
            data -> Arrays.copyOf(gzip(data), gzip(data).length / 2));
    LayerReadException e = extractionFailure(layout);
    assertEquals(0, e.index());
    assertTrue(e.digest().startsWith("sha256:"), e.digest());
    assertEquals("truncated (its gzip stream ends early)", e.malformation());
  }

  @Test
  void truncatedTarLayerIsReportedAsTruncatedData() throws Exception {
    Path tar = tarWithABigFile();
    String diffId = OciImageWriterTest.sha256(Files.readAllBytes(tar));
    Path layout =
        LayoutFixture.write(
            dir.resolve("tar"), tar, OciMediaTypes.LAYER_TAR, diffId,
            data -> Arrays.copyOf(data, 512 + 10_000));
    LayerReadException e = extractionFailure(layout);
    assertEquals("truncated (its tar archive ends in the middle of a file)", e.malformation());
  }

  private static byte[] gzip(byte[] data) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
        out.write(data);
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
