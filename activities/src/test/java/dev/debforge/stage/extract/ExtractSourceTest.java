package dev.debforge.stage.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.oci.LayoutFixture;
import dev.debforge.oci.OciException;
import dev.debforge.oci.OciImageReader;
import dev.debforge.oci.OciMediaTypes;
import dev.debforge.plugin.BadInputException;
import dev.debforge.stage.TestStageContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the extract step opens an image: what it compares with the plan, and what it refuses. */
class ExtractSourceTest {

  @TempDir Path dir;

  /** An OCI layout of one uncompressed layer, as several tools write them. */
  private Path plainLayout() throws Exception {
    Path tar = dir.resolve("layer.tar");
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
      byte[] data = "plain\n".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry entry = new TarArchiveEntry("etc/hostname");
      entry.setSize(data.length);
      out.putArchiveEntry(entry);
      out.write(data);
      out.closeArchiveEntry();
    }
    return LayoutFixture.write(
        dir.resolve("layout"), List.of(tar), OciMediaTypes.LAYER_TAR,
        List.of(LayoutFixture.diffId(tar)), bytes -> bytes);
  }

  private static String manifestDigest(Path layout) throws Exception {
    byte[] manifest = Files.readAllBytes(LayoutFixture.manifestBlob(layout));
    return "sha256:"
        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(manifest));
  }

  @Test
  void anOciLayoutWithUncompressedLayersIsReadInPlaceWithThePlannedDigest() throws Exception {
    Path layout = plainLayout();
    TestStageContext context = new TestStageContext(dir.resolve("step"), "amd64");
    OciImageReader image =
        ExtractStage.copyAndOpen(
            context, new ExtractOptions("oci:" + layout, manifestDigest(layout), true));
    assertEquals(manifestDigest(layout), image.manifest().digest());
    assertEquals(layout, image.layoutDir());
    assertEquals(OciMediaTypes.LAYER_TAR, image.layers().get(0).mediaType());
    assertEquals(List.of("reading oci:" + layout), context.progress);
  }

  @Test
  void aLayoutChangedSincePlanningIsRefused() throws Exception {
    Path layout = plainLayout();
    TestStageContext context = new TestStageContext(dir.resolve("step"), "amd64");
    String planned = "sha256:" + "1".repeat(64);
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () ->
                ExtractStage.copyAndOpen(
                    context, new ExtractOptions("oci:" + layout, planned, true)));
    assertTrue(e.getMessage().contains("but the build was planned for " + planned),
        e.getMessage());
  }

  @Test
  void aManifestThatDoesNotMatchTheIndexIsRefusedNamingTheBlob() throws Exception {
    Path layout = plainLayout();
    String planned = manifestDigest(layout);
    Path manifest = LayoutFixture.manifestBlob(layout);
    Files.writeString(manifest, Files.readString(manifest).replace("\"schemaVersion\":2",
        "\"schemaVersion\":3"));
    TestStageContext context = new TestStageContext(dir.resolve("step"), "amd64");
    OciException e =
        assertThrows(
            OciException.class,
            () ->
                ExtractStage.copyAndOpen(
                    context, new ExtractOptions("oci:" + layout, planned, true)));
    assertTrue(e.getMessage().contains("the manifest blob " + planned + " does not match"),
        e.getMessage());
  }
}
