package dev.debforge.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.disk.AllocatedBytes;
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

  /** Writes one tar per builder step, as files in dir. */
  @SafeVarargs
  private List<Path> tars(ThrowingTar... layers) throws Exception {
    List<Path> tars = new ArrayList<>();
    for (ThrowingTar layer : layers) {
      Path tar = dir.resolve("layer" + (layerCount++) + ".tar");
      try (TarBuilder builder = new TarBuilder(tar)) {
        layer.accept(builder);
      }
      tars.add(tar);
    }
    return tars;
  }

  @SafeVarargs
  private Path image(ThrowingTar... layers) throws Exception {
    List<Path> tars = tars(layers);
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
    return refusal(layout, "t", new LayerExtractor(tools));
  }

  /** Extracts the layout's image {@code ref} into dir/root, which must be refused. */
  private OciException refusal(Path layout, String ref, LayerExtractor extractor) {
    return assertThrows(
        OciException.class,
        () ->
            extractor.extract(OciImageReader.open(layout, ref), dir.resolve("root"), (a, b) -> {}));
  }

  /** Asserts that the exception's message has each of {@code parts}. */
  private static void assertMentions(OciException e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "no '" + part + "' in: " + e.getMessage());
    }
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

  // Replacing entries of another type, as OCI's layer rules say.

  @Test
  void symlinkReplacesDirectoryOfTheSameLayer() throws Exception {
    // The directory's mode is set at the end of the layer: it must not land on the symlink.
    Path root = extract(t -> t.dir("a", 0555).file("a/f", "f").symlink("a", "b").dir("b", 0755));
    assertTrue(Files.isSymbolicLink(root.resolve("a")));
    assertEquals(Path.of("b"), Files.readSymbolicLink(root.resolve("a")));
    assertEquals(0755, (int) Files.getAttribute(root.resolve("b"), "unix:mode") & 07777);
  }

  @Test
  void symlinkReplacesDirectoryOfALowerLayer() throws Exception {
    Path root =
        extract(t -> t.dir("a", 0555).file("a/f", "f"), t -> t.dir("b", 0755).symlink("a", "b"));
    assertEquals(Path.of("b"), Files.readSymbolicLink(root.resolve("a")));
    assertFalse(Files.exists(root.resolve("b/f")));
  }

  @Test
  void aDirectoryReplacedBySymlinkNeverHasItsDeferredModeAppliedThroughIt() throws Exception {
    Path root =
        extract(
            t -> t.dir("etc/b", 0700).dir("a", 0755).dir("a/b", 0555).symlink("a", "/etc"));
    assertEquals(Path.of("/etc"), Files.readSymbolicLink(root.resolve("a")));
    assertEquals(0700, (int) Files.getAttribute(root.resolve("etc/b"), "unix:mode") & 07777);
  }

  @Test
  void fileReplacesDirectoryOfTheSameLayerAndKeepsItsOwnMode() throws Exception {
    Path root = extract(t -> t.dir("x", 0700).file("x/y", "y").file("x", "file"));
    assertEquals("file", Files.readString(root.resolve("x")));
    assertEquals(0644, (int) Files.getAttribute(root.resolve("x"), "unix:mode") & 07777);
  }

  @Test
  void hardLinkAndFifoReplaceDirectories() throws Exception {
    Path root =
        extract(
            t -> t.file("f", "f").dir("d", 0755).file("d/x", "x").dir("p", 0755),
            t -> t.hardlink("d", "f").fifo("p"));
    assertTrue(Files.isSameFile(root.resolve("d"), root.resolve("f")));
    assertTrue(Files.exists(root.resolve("p"), NOFOLLOW));
    assertFalse(Files.isDirectory(root.resolve("p"), NOFOLLOW));
  }

  @Test
  void directoryReplacesFile() throws Exception {
    Path root = extract(t -> t.file("a", "x"), t -> t.dir("a", 0750).file("a/b", "b"));
    assertTrue(Files.isDirectory(root.resolve("a"), NOFOLLOW));
    assertEquals("b", Files.readString(root.resolve("a/b")));
    assertEquals(0750, (int) Files.getAttribute(root.resolve("a"), "unix:mode") & 07777);
  }

  @Test
  void directoryReplacesSymlinkToAFileADanglingOneAndOneOutOfTheRoot() throws Exception {
    Path root =
        extract(
            t -> t.file("target", "t").symlink("tofile", "target").symlink("dangling", "nowhere")
                .symlink("out", "../../.."),
            t -> t.dir("tofile", 0755).dir("dangling", 0755).dir("out", 0755).file("out/x", "x"));
    for (String name : List.of("tofile", "dangling", "out")) {
      assertTrue(Files.isDirectory(root.resolve(name), NOFOLLOW), name);
    }
    assertEquals("t", Files.readString(root.resolve("target")));
    assertEquals("x", Files.readString(root.resolve("out/x")));
    assertFalse(Files.exists(dir.resolve("x")));
  }

  @Test
  void directoryOverDirectoryMergesAndTakesTheNewMode() throws Exception {
    Path root =
        extract(
            t -> t.dir("d", 0755).file("d/a", "a"), t -> t.dir("d", 0700).file("d/b", "b"));
    assertEquals("a", Files.readString(root.resolve("d/a")));
    assertEquals("b", Files.readString(root.resolve("d/b")));
    assertEquals(0700, (int) Files.getAttribute(root.resolve("d"), "unix:mode") & 07777);
  }

  @Test
  void symlinkReplacesFileAndFileReplacesSymlinkWithoutWritingThroughIt() throws Exception {
    Path root =
        extract(
            t -> t.file("a", "a").file("target", "keep").symlink("b", "target"),
            t -> t.symlink("a", "target").file("b", "new"));
    assertEquals(Path.of("target"), Files.readSymbolicLink(root.resolve("a")));
    assertFalse(Files.isSymbolicLink(root.resolve("b")));
    assertEquals("new", Files.readString(root.resolve("b")));
    assertEquals("keep", Files.readString(root.resolve("target")));
  }

  // Bad and hostile layers: each refused with the layer, the entry and the problem.

  @Test
  void truncatedGzipLayerIsRefusedNamingTheLayer() throws Exception {
    List<Path> tars = tars(t -> t.file("etc/data", randomText(200_000)));
    byte[] whole = gzip(Files.readAllBytes(tars.get(0)));
    Path layout =
        LayoutFixture.write(
            dir.resolve("cut"), tars, OciMediaTypes.LAYER_TAR_GZIP,
            List.of(LayoutFixture.diffId(tars.get(0))),
            bytes -> java.util.Arrays.copyOf(whole, whole.length / 2));
    OciException e = refusal(layout, null, new LayerExtractor(tools));
    assertMentions(e, "layer 0 (sha256:", "gzip data ends before", "truncated", "Hint:");
    assertMentions(e, "entry 'etc/data'");
  }

  @Test
  void truncatedZstdLayerIsRefusedNamingTheLayer() throws Exception {
    List<Path> tars = tars(t -> t.file("etc/data", randomText(200_000)));
    byte[] whole = zstd(Files.readAllBytes(tars.get(0)));
    Path layout =
        LayoutFixture.write(
            dir.resolve("cut"), tars, OciMediaTypes.LAYER_TAR_ZSTD,
            List.of(LayoutFixture.diffId(tars.get(0))),
            bytes -> java.util.Arrays.copyOf(whole, whole.length / 2));
    OciException e = refusal(layout, null, new LayerExtractor(tools));
    assertMentions(
        e, "layer 0 (sha256:", "zstd data cannot be decompressed", "truncated or corrupt",
        "Hint:");
  }

  @Test
  void truncatedTarLayerIsRefusedNamingTheEntry() throws Exception {
    List<Path> tars = tars(t -> t.file("etc/motd", "m").file("usr/lib/big", randomText(50_000)));
    byte[] tar = Files.readAllBytes(tars.get(0));
    Path layout =
        LayoutFixture.write(
            dir.resolve("cut"), tars, OciMediaTypes.LAYER_TAR,
            List.of(LayoutFixture.diffId(tars.get(0))),
            bytes -> java.util.Arrays.copyOf(tar, 3000));
    OciException e = refusal(layout, null, new LayerExtractor(tools));
    assertMentions(
        e, "layer 0 (sha256:", "tar archive ends in the middle of an entry", "truncated",
        "in the data of entry 'usr/lib/big'");
  }

  @Test
  void garbageInPlaceOfGzipIsRefusedAsUndecodable() throws Exception {
    List<Path> tars = tars(t -> t.file("a", "a"));
    Path layout =
        LayoutFixture.write(
            dir.resolve("garbage"), tars, OciMediaTypes.LAYER_TAR_GZIP,
            List.of(LayoutFixture.diffId(tars.get(0))), bytes -> bytes);
    OciException e = refusal(layout, null, new LayerExtractor(tools));
    assertMentions(e, "layer 0 (sha256:", "gzip data cannot be decompressed", "before its first");
  }

  @Test
  void xattrOutsideLinuxNamespacesIsRefusedNamingEntryAndXattr() throws Exception {
    OciException e = refusal(image(t -> t.fileWithXattr("etc/x", "x", "bogus.name", "v")));
    assertMentions(e, "entry 'etc/x'", "xattr 'bogus.name'", "NAMESPACE.NAME", "Hint:");
  }

  @Test
  void overlongNameIsRefusedShortenedInTheMessage() throws Exception {
    OciException e = refusal(image(t -> t.file("dir/" + "n".repeat(4000), "x")));
    assertMentions(e, "a component of 4000 bytes", "Linux allows 255", "(4004 characters)");
    assertTrue(e.getMessage().length() < 1000, e.getMessage());
  }

  @Test
  void controlCharactersInNamesAreEscaped() throws Exception {
    OciException e = refusal(image(t -> t.file("bad\u001b[2J\nname/../x", "x")));
    assertMentions(e, "bad\\x1b[2J\\x0aname", "'..' component");
    assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
  }

  @Test
  void hardLinkToAnAbsolutePathIsRefused() throws Exception {
    OciException e = refusal(image(t -> t.hardlink("stolen", "/etc/passwd")));
    assertMentions(e, "layer 0 (sha256:", "entry 'stolen' is a hard link to '/etc/passwd'",
        "an absolute path");
  }

  @Test
  void whiteoutThroughASymlinkOutOfTheRootIsRefused() throws Exception {
    Path victim = Files.createDirectories(dir.resolve("etc"));
    Files.writeString(victim.resolve("passwd"), "root");
    OciException e =
        refusal(image(t -> t.symlink("up", "../..").file("up/etc/.wh.passwd", "")));
    assertMentions(e, "entry 'up/etc/.wh.passwd'", "symlink 'up -> ../..'", "out of the root");
    assertEquals("root", Files.readString(victim.resolve("passwd")));
  }

  @Test
  void aHugeGnuLongNameIsRefusedBeforeItIsRead() throws Exception {
    byte[] header = new byte[512];
    byte[] name = "././@LongLink".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, header, 0, name.length);
    put(header, 100, "0000644\0");
    put(header, 108, "0000000\0");
    put(header, 116, "0000000\0");
    put(header, 124, "77777777777\0"); // 8 GiB of name
    put(header, 136, "00000000000\0");
    header[156] = 'L';
    put(header, 257, "ustar  \0");
    put(header, 148, "        ");
    int sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, String.format("%06o\0 ", sum));
    Path tar = Files.write(dir.resolve("longname.tar"), java.util.Arrays.copyOf(header, 2048));
    Path layout =
        LayoutFixture.write(
            dir.resolve("longname"), List.of(tar), OciMediaTypes.LAYER_TAR,
            List.of(LayoutFixture.diffId(tar)), t -> t);
    OciException e = refusal(layout, null, new LayerExtractor(tools));
    assertMentions(
        e, "layer 0 (sha256:", "tar archive is malformed",
        "GNU long name of 8589934591 bytes is implausibly large", "before its first entry");
  }

  private static void put(byte[] header, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }

  // Bounds: refused before the data is written, and nothing left behind.

  @Test
  void aFileOverTheCeilingIsRefusedBeforeItIsWrittenAndNothingIsLeft() throws Exception {
    Path layout = image(t -> t.file("small", "s").zeros("big", 4L << 20, null));
    List<Long> entries = new ArrayList<>();
    LayerExtractor small = new LayerExtractor(tools, false, new LayerExtractor.Limits(1L << 20));
    Path root = dir.resolve("root");
    OciException e =
        assertThrows(
            OciException.class,
            () -> small.extract(OciImageReader.open(layout, "t"), root, (n, b) -> entries.add(n)));
    assertMentions(
        e, "layer 0 (sha256:", "entry 'big' declares 4194304 bytes", "ceiling of 1048576 bytes",
        "DEBFORGE_MAX_IMAGE_BYTES");
    assertEquals(List.of(1L), entries, "only 'small' was done");
    assertFalse(Files.exists(root), "the partly extracted root is removed");
  }

  @Test
  void aFileLargerThanTheFreeSpaceIsRefusedBeforeItIsWritten() throws Exception {
    Path layout = image(t -> t.file("small", "s").zeros("big", 2L << 20, "x"));
    List<Path> asked = new ArrayList<>();
    LayerExtractor extractor =
        new LayerExtractor(
            tools, false, new LayerExtractor.Limits(1L << 30),
            root -> {
              asked.add(root);
              return 1L << 20;
            });
    Path root = dir.resolve("root");
    OciException e =
        assertThrows(
            OciException.class,
            () -> extractor.extract(OciImageReader.open(layout, "t"), root, (n, b) -> {}));
    assertMentions(
        e, "entry 'big' declares 2097153 bytes (2.0 MiB), but the file system of ",
        "has only 1048576 bytes (1.0 MiB) free", "--store");
    assertEquals(2, asked.size(), "asked at the start, and again before refusing");
    assertFalse(Files.exists(root), "the partly extracted root is removed");
  }

  @Test
  void aTarStreamOverTheCeilingIsRefusedEvenWhenItsFilesAreEmpty() throws Exception {
    Path layout =
        image(
            t -> {
              for (int i = 0; i < 40; i++) {
                t.file("empty" + i, "");
              }
            });
    OciException e =
        refusal(layout, "t", new LayerExtractor(tools, false, new LayerExtractor.Limits(8192)));
    assertMentions(e, "layer 0 (sha256:", "uncompressed tar is larger than 8192 bytes");
  }

  @Test
  void zerosAreWrittenAsHoles() throws Exception {
    Path root = extract(t -> t.zeros("var/lib/zeros", 8L << 20, "end"));
    Path file = root.resolve("var/lib/zeros");
    assertEquals((8L << 20) + 3, Files.size(file));
    try (java.io.RandomAccessFile read = new java.io.RandomAccessFile(file.toFile(), "r")) {
      byte[] tail = new byte[4];
      read.seek((8L << 20) - 1);
      read.readFully(tail);
      assertEquals("\0end", new String(tail, StandardCharsets.ISO_8859_1));
    }
    long allocated = AllocatedBytes.of(file);
    assertTrue(allocated < (1L << 20), "8 MiB of zeros took " + allocated + " bytes");
  }

  @Test
  void writeSkippingZerosKeepsDataAroundHoles() throws Exception {
    byte[] data = new byte[3 * 4096 + 100];
    data[5] = 1;
    data[2 * 4096 + 7] = 2;
    data[data.length - 1] = 3;
    Path file = dir.resolve("holes");
    try (java.nio.channels.FileChannel out =
        java.nio.channels.FileChannel.open(
            file, java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)) {
      LayerExtractor.writeSkippingZeros(out, data, data.length, 4096);
    }
    byte[] read = Files.readAllBytes(file);
    assertEquals(4096 + data.length, read.length);
    assertEquals(1, read[4096 + 5]);
    assertEquals(2, read[4096 + 2 * 4096 + 7]);
    assertEquals(3, read[read.length - 1]);
  }

  @Test
  void ceilingIsReadFromASizeWithSuffix() {
    assertEquals(64L << 30, LayerExtractor.Limits.parseSize("64G", "X"));
    assertEquals(1234, LayerExtractor.Limits.parseSize(" 1234 ", "X"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LayerExtractor.Limits.parseSize("lots", LayerExtractor.Limits.ENV));
    assertTrue(e.getMessage().contains("DEBFORGE_MAX_IMAGE_BYTES='lots'"), e.getMessage());
  }

  // Integrity: a mismatch stops the extraction before the next layer, or before anything.

  @Test
  void aCorruptBlobStopsBeforeAnyEntryIsExtracted() throws Exception {
    Path layout = image(t -> t.file("a", "a".repeat(5000)), t -> t.file("b", "b"));
    OciImageReader image = OciImageReader.open(layout, "t");
    Path blob = Digest.parse(image.layers().get(0).digest()).blobPath(layout);
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(blob, bytes);
    List<Long> entries = new ArrayList<>();
    OciException e =
        assertThrows(
            OciException.class,
            () ->
                new LayerExtractor(tools)
                    .extract(image, dir.resolve("root"), (n, b) -> entries.add(n)));
    assertMentions(e, "layer 0 blob is corrupt", image.layers().get(0).digest());
    assertEquals(List.of(), entries);
  }

  @Test
  void aDiffIdMismatchStopsBeforeTheNextLayer() throws Exception {
    List<Path> tars = tars(t -> t.file("a", "a"), t -> t.file("b", "b"));
    Path layout =
        LayoutFixture.write(
            dir.resolve("bad"), tars, OciMediaTypes.LAYER_TAR,
            List.of("sha256:" + "0".repeat(64), LayoutFixture.diffId(tars.get(1))), t -> t);
    List<Long> entries = new ArrayList<>();
    OciException e =
        assertThrows(
            OciException.class,
            () ->
                new LayerExtractor(tools)
                    .extract(
                        OciImageReader.open(layout, null), dir.resolve("root"),
                        (n, b) -> entries.add(n)));
    assertMentions(e, "layer 0 (sha256:", "does not match its diff_id");
    assertEquals(List.of(1L), entries, "layer 1 was never started");
  }

  @Test
  void readsUncompressedLayers() throws Exception {
    List<Path> tars = tars(t -> t.file("etc/hostname", "plain\n"), t -> t.file("etc/motd", "m"));
    Path layout =
        LayoutFixture.write(
            dir.resolve("plain"), tars, OciMediaTypes.LAYER_TAR,
            List.of(LayoutFixture.diffId(tars.get(0)), LayoutFixture.diffId(tars.get(1))),
            t -> t);
    Path root = dir.resolve("root");
    LayerExtractor.Result result =
        new LayerExtractor(tools).extract(OciImageReader.open(layout, null), root, (a, b) -> {});
    assertEquals("plain\n", Files.readString(root.resolve("etc/hostname")));
    assertEquals("m", Files.readString(root.resolve("etc/motd")));
    assertEquals(2, result.layers());
  }

  private static String randomText(int length) {
    java.util.Random random = new java.util.Random(42);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }

  private static byte[] gzip(byte[] data) {
    try {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (OutputStream out = new java.util.zip.GZIPOutputStream(bytes)) {
        out.write(data);
      }
      return bytes.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
