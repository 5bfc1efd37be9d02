package dev.debforge.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image index of two single-platform images, read back as a multi-platform image. */
class OciIndexWriterTest {

  @TempDir Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();

  private Path twoImages() throws Exception {
    Path layout = dir.resolve("layout");
    List<Path> layers = OciImageWriterTest.twoLayers(dir);
    new OciImageWriter().write(layout, layers, OciImageWriterTest.config("amd64", "amd64"));
    new OciImageWriter().write(layout, layers, OciImageWriterTest.config("arm64", "arm64"));
    return layout;
  }

  @Test
  void theIndexListsEachImageWithItsPlatformAndIsTheLayoutsOnlyEntry() throws Exception {
    Path layout = twoImages();
    String amd64 = OciImageReader.open(layout, "amd64").manifest().digest();
    String arm64 = OciImageReader.open(layout, "arm64").manifest().digest();

    OciIndexWriter.WrittenIndex written =
        new OciIndexWriter().write(layout, List.of("amd64", "arm64"), "1.0");

    JsonNode top = JSON.readTree(layout.resolve("index.json").toFile());
    assertEquals(1, top.path("manifests").size());
    JsonNode entry = top.path("manifests").get(0);
    assertEquals(OciMediaTypes.IMAGE_INDEX, entry.path("mediaType").asText());
    assertEquals(written.digest(), entry.path("digest").asText());
    assertEquals("1.0", entry.path("annotations").path(OciMediaTypes.REF_NAME_ANNOTATION).asText());

    Path blob = Digest.parse(written.digest()).blobPath(layout);
    assertEquals(written.size(), Files.size(blob));
    JsonNode index = JSON.readTree(blob.toFile());
    assertEquals(amd64, index.path("manifests").get(0).path("digest").asText());
    assertEquals("amd64", index.path("manifests").get(0).path("platform").path("architecture")
        .asText());
    assertTrue(index.path("manifests").get(0).path("platform").path("variant").isMissingNode());
    assertEquals(arm64, index.path("manifests").get(1).path("digest").asText());
    assertEquals("v8", index.path("manifests").get(1).path("platform").path("variant").asText());
    assertEquals("linux/arm64/v8", OciIndexWriter.describe(written.entries().get(1).platform()));

    // Read back as build reads a multi-architecture image: the manifest of the asked platform.
    assertEquals(arm64, OciImageReader.open(layout, "1.0", "arm64").manifest().digest());
    assertEquals(amd64, OciImageReader.open(layout, "1.0", "amd64").manifest().digest());
  }

  @Test
  void theSameImagesGiveTheSameIndexDigest() throws Exception {
    Path layout = twoImages();
    Path copy = dir.resolve("copy");
    Path again = Files.createDirectories(dir.resolve("again"));
    List<Path> layers = OciImageWriterTest.twoLayers(again);
    new OciImageWriter().write(copy, layers, OciImageWriterTest.config("amd64", "amd64"));
    new OciImageWriter().write(copy, layers, OciImageWriterTest.config("arm64", "arm64"));

    assertEquals(
        new OciIndexWriter().write(layout, List.of("amd64", "arm64"), "x").digest(),
        new OciIndexWriter().write(copy, List.of("amd64", "arm64"), "x").digest());
  }

  @Test
  void aMissingTagOrTwoImagesOfOnePlatformAreRefused() throws Exception {
    Path layout = twoImages();
    OciException missing = assertThrows(OciException.class,
        () -> new OciIndexWriter().write(layout, List.of("amd64", "riscv64"), "x"));
    assertTrue(missing.getMessage().contains("no image is tagged riscv64"), missing.getMessage());

    new OciImageWriter().write(layout, OciImageWriterTest.twoLayers(dir),
        OciImageWriterTest.config("amd64", "other"));
    OciException twice = assertThrows(OciException.class,
        () -> new OciIndexWriter().write(layout, List.of("amd64", "other"), "x"));
    assertTrue(twice.getMessage().contains("two images are for linux/amd64"), twice.getMessage());
  }
}
