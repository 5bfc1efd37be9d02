package dev.debforge.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciArchiveTest {

  @TempDir Path dir;

  /** A layout of one image with an uncompressed layer, tarred with "./" names and extras. */
  private Path archive(boolean tamperManifest) throws Exception {
    Path tar = dir.resolve("layer.tar");
    try (TarBuilder builder = new TarBuilder(tar)) {
      builder.file("etc/hostname", "plain\n");
    }
    Path layout =
        LayoutFixture.write(
            dir.resolve("layout"), List.of(tar), OciMediaTypes.LAYER_TAR,
            List.of(LayoutFixture.diffId(tar)), t -> t);
    if (tamperManifest) {
      Path manifest = LayoutFixture.manifestBlob(layout);
      String tampered =
          Files.readString(manifest).replace("\"schemaVersion\":2", "\"schemaVersion\":3");
      Files.writeString(manifest, tampered);
    }
    Path archive = dir.resolve("image.oci.tar");
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(archive));
        Stream<Path> files = Files.walk(layout)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        TarArchiveEntry entry = new TarArchiveEntry(file.toFile(), "./" + layout.relativize(file));
        out.putArchiveEntry(entry);
        Files.copy(file, out);
        out.closeArchiveEntry();
      }
      put(out, "../escaped", "x");
      put(out, "blobs/sha256/not-a-digest", "x");
      TarArchiveEntry link = new TarArchiveEntry("index2.json", TarConstants.LF_SYMLINK);
      link.setLinkName("/etc/passwd");
      out.putArchiveEntry(link);
      out.closeArchiveEntry();
    }
    return archive;
  }

  private static void put(TarArchiveOutputStream out, String name, String content)
      throws IOException {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(data.length);
    out.putArchiveEntry(entry);
    out.write(data);
    out.closeArchiveEntry();
  }

  @Test
  void unpacksOnlyTheLayoutAndReadsItWithTheArchivesOwnDigests() throws Exception {
    Path unpacked = dir.resolve("work/image");
    OciArchive.unpack(archive(false), unpacked);
    OciImageReader image = OciImageReader.open(unpacked, null);
    Path manifest = LayoutFixture.manifestBlob(dir.resolve("layout"));
    assertEquals(OciImageWriterTest.sha256(Files.readAllBytes(manifest)), image.manifest().digest());
    assertEquals(OciMediaTypes.LAYER_TAR, image.layers().get(0).mediaType());
    assertFalse(Files.exists(dir.resolve("work/escaped")));
    assertFalse(Files.exists(unpacked.resolve("index2.json")));
    assertFalse(Files.exists(unpacked.resolve("blobs/sha256/not-a-digest")));
  }

  @Test
  void theBlobsWhoseContentHasTheirNameAreCheckedAsTheyAreWritten() throws Exception {
    Path unpacked = dir.resolve("work/image");
    java.util.Set<String> checked = OciArchive.unpack(archive(false), unpacked);
    OciImageReader image = OciImageReader.open(unpacked, null);
    assertEquals(
        java.util.Set.of(image.layers().get(0).digest(), image.config().digest(),
            image.manifest().digest()),
        checked);

    // A checked layer is not read before it is unpacked, but it is hashed as it is: a blob that
    // changed after it was written is still found out, at its end.
    Path layer = Digest.parse(image.layers().get(0).digest()).blobPath(unpacked);
    byte[] bytes = Files.readAllBytes(layer);
    bytes[bytes.length / 2] ^= 1;
    Files.write(layer, bytes);
    OciImageReader trusting = OciImageReader.open(unpacked, null, null, checked);
    try (LayerStream stream = trusting.openLayer(0)) {
      OciException e = assertThrows(OciException.class, stream::finish);
      assertTrue(e.getMessage().contains("blob is corrupt"), e.getMessage());
    }
  }

  @Test
  void aManifestThatDoesNotMatchTheArchivesIndexIsRefused() throws Exception {
    Path unpacked = dir.resolve("work/image");
    assertEquals(2, OciArchive.unpack(archive(true), unpacked).size(),
        "the layer and the config are what their names say, the manifest is not");
    OciException e = assertThrows(OciException.class, () -> OciImageReader.open(unpacked, null));
    assertTrue(e.getMessage().contains("the manifest blob sha256:"), e.getMessage());
    assertTrue(e.getMessage().contains("does not match its digest"), e.getMessage());
  }

  @Test
  void aFileThatIsNotATarOfALayoutIsRefused() throws Exception {
    Path notTar = dir.resolve("image.oci.tar");
    Files.writeString(notTar, "this is not a tar archive at all, just text\n".repeat(20));
    OciException e =
        assertThrows(OciException.class, () -> OciArchive.unpack(notTar, dir.resolve("image")));
    assertTrue(e.getMessage().contains("the archive " + notTar), e.getMessage());
    assertTrue(e.getMessage().contains("Hint: give a tar of an OCI image layout"), e.getMessage());
  }

  @Test
  void aMissingArchiveIsRefusedNamingIt() {
    Path missing = dir.resolve("missing.tar");
    OciException e =
        assertThrows(OciException.class, () -> OciArchive.unpack(missing, dir.resolve("image")));
    assertTrue(e.getMessage().contains("the archive " + missing + " does not exist"),
        e.getMessage());
  }
}
