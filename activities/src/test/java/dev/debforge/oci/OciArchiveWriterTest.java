package dev.debforge.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.store.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciArchiveWriterTest {

  @TempDir Path dir;
  private OciImageReader image;

  @BeforeEach
  void layout() throws Exception {
    Path tar = dir.resolve("layer.tar");
    try (TarBuilder builder = new TarBuilder(tar)) {
      builder.file("etc/hostname", "archived\n");
    }
    Path layout = LayoutFixture.write(dir.resolve("layout"), List.of(tar),
        OciMediaTypes.LAYER_TAR, List.of(LayoutFixture.diffId(tar)), t -> t);
    image = OciImageReader.open(layout, null);
  }

  @Test
  void theArchiveIsALayoutOfTheImageUnderItsName() throws Exception {
    Path archive = dir.resolve("image.oci.tar");
    String sha256 = OciArchiveWriter.write(image, "v1", archive);
    assertEquals(Sha256.ofFile(archive), sha256);

    Path unpacked = dir.resolve("unpacked");
    OciArchive.unpack(archive, unpacked);
    OciImageReader read = OciImageReader.open(unpacked, "v1");
    assertEquals(image.manifest().digest(), read.manifest().digest());
    assertEquals(image.manifest().size(), read.manifest().size());
    assertEquals("v1", read.manifest().annotations().get("org.opencontainers.image.ref.name"));
    assertEquals(image.config(), read.config());
    assertEquals(image.layers(), read.layers());
    assertEquals("amd64", read.architecture());
    for (OciDescriptor blob : image.layers()) {
      String path = "blobs/" + blob.digest().replace(':', '/');
      assertArrayEquals(Files.readAllBytes(image.layoutDir().resolve(path)),
          Files.readAllBytes(unpacked.resolve(path)));
    }
  }

  @Test
  void entriesComeInAFixedOrderOwnedByRootAndDatedFromTheImage() throws Exception {
    Path archive = dir.resolve("image.oci.tar");
    OciArchiveWriter.write(image, "latest", archive);
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(archive))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null;
          entry = tar.getNextEntry()) {
        names.add(entry.getName());
        assertEquals(0, entry.getLongUserId());
        assertEquals(0, entry.getModTime().getTime(), "the fixture's config has no created");
        assertEquals(entry.isDirectory() ? 0755 : 0644, entry.getMode() & 07777, entry.getName());
      }
    }
    List<String> expected = new ArrayList<>(List.of("oci-layout", "index.json", "blobs/",
        "blobs/sha256/"));
    expected.add("blobs/" + image.manifest().digest().replace(':', '/'));
    expected.add("blobs/" + image.config().digest().replace(':', '/'));
    image.layers().forEach(l -> expected.add("blobs/" + l.digest().replace(':', '/')));
    assertEquals(expected, names);
  }

  @Test
  void theSameImageGivesTheSameBytes() throws IOException {
    Path first = dir.resolve("first.tar");
    Path second = dir.resolve("second.tar");
    assertEquals(OciArchiveWriter.write(image, "v1", first),
        OciArchiveWriter.write(image, "v1", second));
    assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
  }

  @Test
  void aStoredBlobThatChangedIsNotPublished() throws IOException {
    Path layer = image.layoutDir().resolve(
        "blobs/" + image.layers().get(0).digest().replace(':', '/'));
    byte[] bytes = Files.readAllBytes(layer);
    bytes[bytes.length / 2] ^= 1;
    Files.write(layer, bytes);
    IOException e = assertThrows(IOException.class,
        () -> OciArchiveWriter.write(image, "v1", dir.resolve("image.oci.tar")));
    assertTrue(e.getMessage().contains("the stored image is damaged"), e.getMessage());
    Files.write(layer, Arrays.copyOf(bytes, bytes.length - 1));
    e = assertThrows(IOException.class,
        () -> OciArchiveWriter.write(image, "v1", dir.resolve("image.oci.tar")));
    assertTrue(e.getMessage().contains("not the " + bytes.length + " its descriptor gives"),
        e.getMessage());
  }

  @Test
  void entriesAreDatedFromTheImagesCreation() throws Exception {
    Path layout = dir.resolve("created");
    new OciImageWriter().write(layout, List.of(dir.resolve("layer.tar")),
        new ImageConfig("amd64", Instant.parse("2024-06-01T00:00:00Z"), Map.of(), null, null,
            null, "v1"));
    Path archive = dir.resolve("created.oci.tar");
    OciArchiveWriter.write(OciImageReader.open(layout, null), "v1", archive);
    try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(archive))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null;
          entry = tar.getNextEntry()) {
        assertEquals(Instant.parse("2024-06-01T00:00:00Z"), entry.getModTime().toInstant(),
            entry.getName());
      }
    }
  }

  @Test
  void theIndexNamesThePlatformAndTheName() throws IOException {
    String index = new String(OciArchiveWriter.index(image, "v1"));
    assertTrue(index.contains("\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}"),
        index);
    assertTrue(index.contains("\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}"),
        index);
  }
}
