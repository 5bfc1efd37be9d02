package dev.debforge.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerExtractorTest {

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  @TempDir Path dir;
  private final ProcessToolRunner tools = new ProcessToolRunner();
  private int layerCount;

  /** Writes one tar per builder step and extracts the image into dir/root. */
  @SafeVarargs
  private Path extract(ThrowingTar... layers) throws Exception {
    Path layout = image(layers);
    Path root = dir.resolve("root");
    new LayerExtractor(tools).extract(OciImageReader.open(layout, "t"), root, (e, b) -> {});
    return root;
  }

  @SafeVarargs
  private Path image(ThrowingTar... layers) throws Exception {
    List<Path> tars = new ArrayList<>();
    for (ThrowingTar layer : layers) {
      Path tar = dir.resolve("layer" + (layerCount++) + ".tar");
      try (TarBuilder builder = new TarBuilder(tar)) {
        layer.accept(builder);
      }
      tars.add(tar);
    }
    Path layout = dir.resolve("layout");
    ImageConfig config =
        new ImageConfig("amd64", Instant.EPOCH, Map.of(), List.of(), List.of(), List.of(), "t");
    new OciImageWriter().write(layout, tars, config);
    return layout;
  }

  interface ThrowingTar {
    void accept(TarBuilder tar) throws Exception;
  }

  @Test
  void whiteoutRemovesLowerFile() throws Exception {
    Path root =
        extract(
            t -> t.dir("etc", 0755).file("etc/issue.net", "x").file("etc/motd", "m"),
            t -> t.file("etc/.wh.issue.net", ""));
    assertFalse(Files.exists(root.resolve("etc/issue.net"), NOFOLLOW));
    assertFalse(Files.exists(root.resolve("etc/.wh.issue.net"), NOFOLLOW));
    assertTrue(Files.exists(root.resolve("etc/motd")));
  }

  @Test
  void opaqueDirectoryEmptiesLowerContentButKeepsSameLayerContent() throws Exception {
    Path root =
        extract(
            t -> t.dir("usr/share/ref", 0755).file("usr/share/ref/old", "o").dir("usr/share/ref/sub", 0755),
            // The new file comes before the opaque marker: order within the layer must not matter.
            t -> t.file("usr/share/ref/new", "n").file("usr/share/ref/.wh..wh..opq", "")
                .file("usr/share/ref/later", "l"));
    Path ref = root.resolve("usr/share/ref");
    assertFalse(Files.exists(ref.resolve("old")));
    assertFalse(Files.exists(ref.resolve("sub")));
    assertEquals("n", Files.readString(ref.resolve("new")));
    assertEquals("l", Files.readString(ref.resolve("later")));
    assertFalse(Files.exists(ref.resolve(".wh..wh..opq")));
  }

  @Test
  void hardLinkToFileFromEarlierLayer() throws Exception {
    Path root =
        extract(t -> t.file("usr/bin/perl", "perl"), t -> t.hardlink("usr/bin/perl5", "usr/bin/perl"));
    assertTrue(Files.isSameFile(root.resolve("usr/bin/perl"), root.resolve("usr/bin/perl5")));
    assertEquals(2, Files.getAttribute(root.resolve("usr/bin/perl5"), "unix:nlink"));
  }

  @Test
  void keepsSymlinkSetuidModeOwnershipAndUserXattr() throws Exception {
    Path root =
        extract(
            t ->
                t.file("usr/bin/su", "su", 04755, 0, 0)
                    .file("etc/shadow", "s", 0640, 0, 42)
                    .symlink("etc/localtime", "/usr/share/zoneinfo/UTC")
                    .fileWithXattr("usr/lib/tagged", "t", "user.debforge", "yes"));
    Path su = root.resolve("usr/bin/su");
    assertEquals(04755, (int) Files.getAttribute(su, "unix:mode") & 07777);
    assertEquals(
        Path.of("/usr/share/zoneinfo/UTC"), Files.readSymbolicLink(root.resolve("etc/localtime")));
    assertEquals(
        TarBuilder.MTIME.getTime(), Files.getLastModifiedTime(su).toMillis());
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(root.resolve("usr/lib/tagged"), UserDefinedFileAttributeView.class);
    ByteBuffer value = ByteBuffer.allocate(view.size("debforge"));
    view.read("debforge", value);
    assertEquals("yes", new String(value.array(), StandardCharsets.UTF_8));
    if (ROOT) {
      assertEquals(42, Files.getAttribute(root.resolve("etc/shadow"), "unix:gid"));
      assertEquals(0640, (int) Files.getAttribute(root.resolve("etc/shadow"), "unix:mode") & 07777);
    }
  }

  @Test
  void readOnlyDirectoryDoesNotBlockItsChildren() throws Exception {
    Path root = extract(t -> t.dir("ro", 0555).file("ro/child", "c"));
    assertEquals("c", Files.readString(root.resolve("ro/child")));
    assertEquals(0555, (int) Files.getAttribute(root.resolve("ro"), "unix:mode") & 07777);
  }

  @Test
  void makesFifoAndDeviceWithMknod() throws Exception {
    Path root = extract(t -> t.fifo("run/initctl"));
    Path fifo = root.resolve("run/initctl");
    assertTrue(tools.calls.contains(List.of("mknod", root.toRealPath().resolve("run/initctl").toString(), "p")));
    assertTrue(Files.exists(fifo, NOFOLLOW));
    assertFalse(Files.isRegularFile(fifo, NOFOLLOW));
    assertEquals(0644, (int) Files.getAttribute(fifo, "unix:mode") & 07777);
    assertEquals(TarBuilder.MTIME.getTime(), Files.getLastModifiedTime(fifo, NOFOLLOW).toMillis());
    if (ROOT) {
      Path dev = extract(t -> t.charDevice("dev/null", 1, 3));
      assertTrue(
          tools.calls.contains(
              List.of("mknod", dev.toRealPath().resolve("dev/null").toString(), "c", "1", "3")));
      assertEquals(0666, (int) Files.getAttribute(dev.resolve("dev/null"), "unix:mode") & 07777);
      assertEquals(0x0103L, ((Number) Files.getAttribute(dev.resolve("dev/null"), "unix:rdev")).longValue());
    }
  }

  @Test
  void refusesDotDotEntryAndWritesNothingOutside() throws Exception {
    Path layout = image(t -> t.file("a", "a").file("../escape", "x"));
    Path root = dir.resolve("jail/root");
    OciException e =
        assertThrows(
            OciException.class,
            () -> new LayerExtractor(tools).extract(OciImageReader.open(layout, "t"), root, (a, b) -> {}));
    assertTrue(e.getMessage().contains("'../escape'"), e.getMessage());
    assertTrue(e.getMessage().contains("sha256:"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("jail/escape")));
  }

  /** Extracts the layout's image "t" into dir/root, which must be refused. */
  private OciException refusal(Path layout) {
    return assertThrows(
        OciException.class,
        () ->
            new LayerExtractor(tools)
                .extract(OciImageReader.open(layout, "t"), dir.resolve("root"), (a, b) -> {}));
  }

  @Test
  void refusesAbsoluteEntry() throws Exception {
    Path layout = image(t -> t.file("/etc/x", "x"));
    OciException e = refusal(layout);
    assertTrue(e.getMessage().contains("absolute"), e.getMessage());
  }

  @Test
  void absoluteSymlinksAreFollowedInsideTheRoot() throws Exception {
    Path root =
        extract(
            t -> t.symlink("abs", "/").dir("run", 0755).dir("var", 0755).symlink("var/run", "/run"),
            t -> t.file("abs/etc/passwd", "abs").file("var/run/pid", "1"));
    assertEquals("abs", Files.readString(root.resolve("etc/passwd")));
    assertEquals("1", Files.readString(root.resolve("run/pid")));
    assertFalse(Files.exists(dir.resolve("etc")));
  }

  @Test
  void anEntryThroughASymlinkClimbingOutOfTheRootIsRefused() throws Exception {
    Path layout =
        image(t -> t.dir("usr", 0755).symlink("usr/out", "../../..").file("usr/out/etc/x", "x"));
    OciException e = refusal(layout);
    assertTrue(e.getMessage().contains("'usr/out/etc/x'"), e.getMessage());
    assertTrue(
        e.getMessage().contains("symlink 'usr/out -> ../../..', which points out of the root"),
        e.getMessage());
    assertFalse(Files.exists(dir.resolve("etc")));
  }

  @Test
  void aHardLinkThroughASymlinkClimbingOutOfTheRootIsRefused() throws Exception {
    Path layout = image(t -> t.symlink("up", "..").hardlink("stolen", "up/etc/passwd"));
    OciException e = refusal(layout);
    assertTrue(e.getMessage().contains("'stolen'"), e.getMessage());
    assertTrue(e.getMessage().contains("points out of the root"), e.getMessage());
  }

  @Test
  void refusesHardLinkOutOfRoot() throws Exception {
    Path layout = image(t -> t.hardlink("stolen", "../../etc/passwd"));
    refusal(layout);
  }

  @Test
  void directoryOverMergedUsrSymlinkKeepsSymlink() throws Exception {
    Path root =
        extract(
            t -> t.dir("usr/bin", 0755).symlink("bin", "usr/bin"),
            t -> t.dir("bin", 0755).file("bin/sh", "dash"));
    assertTrue(Files.isSymbolicLink(root.resolve("bin")));
    assertEquals("dash", Files.readString(root.resolve("usr/bin/sh")));
  }

  @Test
  void fileReplacesDirectoryTree() throws Exception {
    Path root = extract(t -> t.dir("x", 0755).file("x/y", "y"), t -> t.file("x", "file"));
    assertEquals("file", Files.readString(root.resolve("x")));
  }

  @Test
  void detectsBlobDigestMismatch() throws Exception {
    Path layout = image(t -> t.file("a", "a".repeat(5000)));
    OciImageReader image = OciImageReader.open(layout, "t");
    Path blob = Digest.parse(image.layers().get(0).digest()).blobPath(layout);
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(blob, bytes);
    OciException e =
        assertThrows(
            OciException.class,
            () -> new LayerExtractor(tools).extract(image, dir.resolve("root"), (a, b) -> {}));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
  }

  @Test
  void detectsDiffIdMismatch() throws Exception {
    Path tar = dir.resolve("plain.tar");
    try (TarBuilder builder = new TarBuilder(tar)) {
      builder.file("a", "a");
    }
    String wrongDiffId = "sha256:" + "0".repeat(64);
    Path layout = LayoutFixture.write(dir.resolve("bad"), tar, OciMediaTypes.LAYER_TAR, wrongDiffId, t -> t);
    OciException e =
        assertThrows(
            OciException.class,
            () ->
                new LayerExtractor(tools)
                    .extract(OciImageReader.open(layout, null), dir.resolve("root"), (a, b) -> {}));
    assertTrue(e.getMessage().contains("diff_id"), e.getMessage());
  }

  @Test
  void readsZstdLayer() throws Exception {
    Path tar = dir.resolve("z.tar");
    try (TarBuilder builder = new TarBuilder(tar)) {
      builder.file("etc/hostname", "debian\n");
    }
    String diffId = OciImageWriterTest.sha256(Files.readAllBytes(tar));
    Path layout =
        LayoutFixture.write(
            dir.resolve("zstd"), tar, OciMediaTypes.LAYER_TAR_ZSTD, diffId, LayerExtractorTest::zstd);
    Path root = dir.resolve("root");
    LayerExtractor.Result result =
        new LayerExtractor(tools).extract(OciImageReader.open(layout, null), root, (a, b) -> {});
    assertEquals("debian\n", Files.readString(root.resolve("etc/hostname")));
    assertEquals(1, result.layers());
  }

  private static byte[] zstd(byte[] data) {
    try {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (OutputStream out = new ZstdOutputStream(bytes)) {
        out.write(data);
      }
      return bytes.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
