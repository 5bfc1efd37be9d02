package dev.debforge.oci;

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
 * Layers whose blob matches its digest but whose data is cut short: the extractor refuses them as
 * bad input ({@link OciException}) naming the layer and saying the data is truncated.
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

  private OciException extractionFailure(Path layout) {
    return assertThrows(
        OciException.class,
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
    OciException e = extractionFailure(layout);
    assertTrue(e.getMessage().startsWith("layer 0 (sha256:"),
        e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void truncatedTarLayerIsReportedAsTruncatedData() throws Exception {
    Path tar = tarWithABigFile();
    String diffId = OciImageWriterTest.sha256(Files.readAllBytes(tar));
    Path layout =
        LayoutFixture.write(
            dir.resolve("tar"), tar, OciMediaTypes.LAYER_TAR, diffId,
            data -> Arrays.copyOf(data, 512 + 10_000));
    OciException e = extractionFailure(layout);
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
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
