package dev.debforge.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciImageWriterTest {

  @TempDir Path dir;

  static ImageConfig config(String arch, String ref) {
    Instant created = Instant.ofEpochSecond(1_700_000_000L);
    return new ImageConfig(
        arch,
        created,
        Map.of("ostree.bootable", "1", "containers.bootc", "1"),
        List.of("PATH=/usr/sbin:/usr/bin"),
        List.of(),
        List.of(HistoryEntry.of(created, "debootstrap"), HistoryEntry.of(created, "hooks")),
        ref);
  }

  static List<Path> twoLayers(Path dir) throws Exception {
    Path one = dir.resolve("one.tar");
    try (TarBuilder tar = new TarBuilder(one)) {
      tar.dir("etc", 0755).file("etc/motd", "hello\n").file("etc/issue.net", "Debian\n");
    }
    Path two = dir.resolve("two.tar");
    try (TarBuilder tar = new TarBuilder(two)) {
      tar.dir("etc", 0755).file("etc/.wh.issue.net", "").file("etc/motd", "changed\n");
    }
    return List.of(one, two);
  }

  @Test
  void writesLayoutThatReadsBackWithMatchingDigests() throws Exception {
    List<Path> layers = twoLayers(dir);
    Path layout = dir.resolve("layout");
    List<Long> progress = new ArrayList<>();

    WrittenImage written =
        new OciImageWriter().write(layout, layers, config("arm64", "latest"), progress::add);

    assertTrue(Files.isRegularFile(layout.resolve("oci-layout")));
    assertEquals(2, written.layers().size());
    assertEquals(sha256(Files.readAllBytes(layers.get(0))), written.layers().get(0).diffId());
    assertEquals(
        Files.size(layers.get(0)) + Files.size(layers.get(1)), progress.get(progress.size() - 1));

    OciImageReader image = OciImageReader.open(layout, "latest");
    assertEquals(written.manifestDigest(), image.manifest().digest());
    assertEquals(written.configDigest(), image.config().digest());
    assertEquals("arm64", image.architecture());
    assertEquals("v8", image.variant());
    assertEquals("linux", image.os());
    assertEquals("1", image.labels().get("containers.bootc"));
    assertEquals(OciMediaTypes.LAYER_TAR_GZIP, image.layers().get(0).mediaType());
    for (int i = 0; i < 2; i++) {
      assertEquals(written.layers().get(i).digest(), image.layers().get(i).digest());
      assertEquals(written.layers().get(i).diffId(), image.diffIds().get(i));
      try (LayerStream layer = image.openLayer(i)) {
        byte[] tar = layer.readAllBytes();
        layer.finish();
        assertArrayEquals(Files.readAllBytes(layers.get(i)), tar);
      }
    }
  }

  @Test
  void writingTwiceGivesIdenticalDigests() throws Exception {
    List<Path> layers = twoLayers(dir);
    WrittenImage first = new OciImageWriter().write(dir.resolve("a"), layers, config("amd64", "t"));
    WrittenImage second =
        new OciImageWriter().write(dir.resolve("b"), layers, config("amd64", "t"));
    assertEquals(first, second);
    assertArrayEquals(
        Files.readAllBytes(dir.resolve("a/index.json")),
        Files.readAllBytes(dir.resolve("b/index.json")));

    WrittenImage otherArch =
        new OciImageWriter().write(dir.resolve("c"), layers, config("arm64", "t"));
    assertEquals(first.layers(), otherArch.layers());
    assertNotEquals(first.configDigest(), otherArch.configDigest());
  }

  @Test
  void addsSecondTagToExistingLayoutAndReplacesSameTag() throws Exception {
    List<Path> layers = twoLayers(dir);
    Path layout = dir.resolve("layout");
    OciImageWriter writer = new OciImageWriter();
    writer.write(layout, layers, config("amd64", "amd"));
    writer.write(layout, layers, config("arm64", "arm"));
    writer.write(layout, layers, config("arm64", "arm"));

    assertEquals("amd64", OciImageReader.open(layout, "amd").architecture());
    assertEquals("arm64", OciImageReader.open(layout, "arm").architecture());
    OciException noRef = assertThrows(OciException.class, () -> OciImageReader.open(layout, null));
    assertTrue(noRef.getMessage().contains("'amd'"), noRef.getMessage());
    assertEquals("arm64", OciImageReader.open(layout, null, "arm64").architecture());
  }

  @Test
  void rejectsHistoryThatDoesNotMatchLayers() throws Exception {
    List<Path> layers = twoLayers(dir);
    assertThrows(
        OciException.class,
        () ->
            new OciImageWriter()
                .write(dir.resolve("x"), layers.subList(0, 1), config("amd64", "t")));
  }

  static String sha256(byte[] data) throws Exception {
    return "sha256:"
        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
