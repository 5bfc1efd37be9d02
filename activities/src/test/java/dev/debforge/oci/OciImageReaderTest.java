package dev.debforge.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciImageReaderTest {

  @TempDir Path dir;

  private Path layout() throws Exception {
    Path tar = dir.resolve("layer.tar");
    try (TarBuilder builder = new TarBuilder(tar)) {
      builder.file("etc/hostname", "debian\n");
    }
    return LayoutFixture.write(
        dir.resolve("layout"), List.of(tar), OciMediaTypes.LAYER_TAR,
        List.of(LayoutFixture.diffId(tar)), t -> t);
  }

  /** Changes one byte of a JSON blob without changing its size or its validity as JSON. */
  private static void tamper(Path blob) throws Exception {
    String json = Files.readString(blob);
    Files.writeString(blob, json.replaceFirst("\"schemaVersion\":2", "\"schemaVersion\":3")
        .replaceFirst("\"amd64\"", "\"arm64\""));
  }

  @Test
  void anUntouchedLayoutOpensWithTheIndexDigest() throws Exception {
    Path layout = layout();
    OciImageReader image = OciImageReader.open(layout, null);
    assertEquals(
        OciImageWriterTest.sha256(Files.readAllBytes(LayoutFixture.manifestBlob(layout))),
        image.manifest().digest());
    assertEquals(OciMediaTypes.LAYER_TAR, image.layers().get(0).mediaType());
  }

  @Test
  void aManifestBlobThatDoesNotMatchItsDigestInTheIndexIsRefused() throws Exception {
    Path layout = layout();
    Path manifest = LayoutFixture.manifestBlob(layout);
    tamper(manifest);
    OciException e = assertThrows(OciException.class, () -> OciImageReader.open(layout, null));
    String digest = "sha256:" + manifest.getFileName();
    assertTrue(
        e.getMessage().contains("the manifest blob " + digest + " does not match its digest:"
            + " the index names it " + digest + ", but its content is sha256:"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Hint: the blob was changed"), e.getMessage());
  }

  @Test
  void aConfigBlobThatDoesNotMatchItsDigestInTheManifestIsRefused() throws Exception {
    Path layout = layout();
    Path config = LayoutFixture.configBlob(layout);
    tamper(config);
    OciException e = assertThrows(OciException.class, () -> OciImageReader.open(layout, null));
    assertTrue(
        e.getMessage().contains("the config blob sha256:" + config.getFileName()
            + " does not match its digest: the manifest names it"),
        e.getMessage());
  }

  @Test
  void aTruncatedLayerBlobIsRefusedBeforeItIsRead() throws Exception {
    Path layout = layout();
    OciImageReader image = OciImageReader.open(layout, null);
    Path blob = Digest.parse(image.layers().get(0).digest()).blobPath(layout);
    byte[] bytes = Files.readAllBytes(blob);
    Files.write(blob, java.util.Arrays.copyOf(bytes, bytes.length - 512));
    OciException e = assertThrows(OciException.class, () -> image.openLayer(0));
    assertTrue(e.getMessage().contains("the layer 0 blob " + image.layers().get(0).digest()
        + " is " + (bytes.length - 512) + " bytes but its descriptor says " + bytes.length),
        e.getMessage());
  }

  @Test
  void anImageForAnotherArchitectureIsRefusedNamingBoth() throws Exception {
    Path layout = layout();
    OciException e =
        assertThrows(OciException.class, () -> OciImageReader.open(layout, null, "arm64"));
    assertTrue(
        e.getMessage().contains("the image is for architecture 'amd64', but this build is for"
            + " arm64"),
        new String(e.getMessage().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
  }
}
