package dev.debforge.stage.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.debforge.oci.LayerReadException;
import dev.debforge.plugin.BadInputException;
import java.io.EOFException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

class DamagedLayerTest {

  @Test
  void truncatedLayerIsBadInputNamingLayerAndImage() {
    LayerReadException read =
        new LayerReadException(
            1, "sha256:0123", "layer 1 (sha256:0123) could not be read",
            new EOFException("Unexpected end of ZLIB input stream"));
    BadInputException bad =
        assertInstanceOf(
            BadInputException.class,
            ExtractStage.damagedLayer(read, "oci-archive:/tmp/img.tar", 3));
    assertEquals(
        "layer sha256:0123 (2 of 3) of oci-archive:/tmp/img.tar is truncated (its gzip stream"
            + " ends early)\nHint: the image is damaged: copy it again from where it came from,"
            + " or build it again",
        bad.getMessage());
  }

  @Test
  void layerThatCouldNotBeWrittenStaysAnIoError() {
    LayerReadException full =
        new LayerReadException(
            0, "sha256:0123", "could not be read",
            new FileSystemException("/store/tmp/x", null, "No space left on device"));
    assertSame(full, ExtractStage.damagedLayer(full, "oci:/tmp/img", 1));
  }
}
