package dev.debforge.stage.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsListingTest {

  @TempDir Path dir;

  @Test
  void readsAnUncompressedEarlyArchiveThenTheGzippedMainOne() throws IOException {
    byte[] early =
        cpio(List.of(".", "kernel", "kernel/x86/microcode/GenuineIntel.bin"), 1000);
    byte[] main =
        gzip(cpio(List.of(".", "usr/lib/ostree/ostree-prepare-root",
            "etc/systemd/system/initrd-root-fs.target.wants/ostree-prepare-root.service",
            "init"), 70_000));
    Path image = write(concat(early, new byte[512], main));

    Set<String> paths = InitramfsListing.read(image).orElseThrow();

    assertEquals(
        Set.of("kernel", "kernel/x86/microcode/GenuineIntel.bin",
            "usr/lib/ostree/ostree-prepare-root",
            "etc/systemd/system/initrd-root-fs.target.wants/ostree-prepare-root.service", "init"),
        paths);
    assertEquals(List.of(), InitramfsStage.missingFrom(paths));
  }

  @Test
  void namesWhatTheArchiveLacks() throws IOException {
    Path image = write(gzip(cpio(List.of("./usr/lib/ostree/ostree-prepare-root"), 3)));

    assertEquals(
        List.of("etc/systemd/system/initrd-root-fs.target.wants/ostree-prepare-root.service"),
        InitramfsStage.missingFrom(InitramfsListing.read(image).orElseThrow()));
  }

  @Test
  void anotherCompressionIsLeftToLsinitrd() throws IOException {
    byte[] zstdMagic = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 1, 2, 3};
    assertEquals(Optional.empty(), InitramfsListing.read(write(zstdMagic)));
    byte[] early = cpio(List.of("kernel"), 10);
    assertEquals(Optional.empty(), InitramfsListing.read(write(concat(early, zstdMagic))));
  }

  @Test
  void readsOnAfterAGzipStreamAsTheKernelDoes() throws IOException {
    byte[] first = gzip(cpio(List.of("usr/lib/ostree/ostree-prepare-root"), 40_000));
    byte[] second = gzip(cpio(List.of("second/member"), 10));
    byte[] plain = cpio(List.of("after/the/gzip"), 7);
    Path image = write(concat(first, second, new byte[16], plain, new byte[3]));

    assertEquals(
        Set.of("usr/lib/ostree/ostree-prepare-root", "second/member", "after/the/gzip"),
        InitramfsListing.read(image).orElseThrow());
  }

  @Test
  void aZstdStreamAfterTheGzipOneIsLeftToLsinitrd() throws IOException {
    byte[] zstdMagic = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 1, 2, 3};
    Path image = write(concat(gzip(cpio(List.of("init"), 1)), zstdMagic));
    assertEquals(Optional.empty(), InitramfsListing.read(image));
  }

  @Test
  void aGzipStreamWhoseChecksumIsWrongIsAnError() throws IOException {
    byte[] member = gzip(cpio(List.of("init"), 100));
    member[member.length - 8] ^= 1; // the CRC-32's first byte
    assertThrows(InitramfsListing.Malformed.class, () -> InitramfsListing.read(write(member)));
    byte[] whole = gzip(cpio(List.of("init"), 100_000));
    byte[] cut = Arrays.copyOf(whole, whole.length / 2);
    assertThrows(InitramfsListing.Malformed.class, () -> InitramfsListing.read(write(cut)));
  }

  @Test
  void aSignedSizeIsNotHexadecimal() throws IOException {
    byte[] archive = cpio(List.of("init"), 4);
    // The file size field of the first header (offset 54) as "-0000001".
    System.arraycopy("-0000001".getBytes(StandardCharsets.US_ASCII), 0, archive, 54, 8);
    assertThrows(InitramfsListing.Malformed.class, () -> InitramfsListing.read(write(archive)));
  }

  @Test
  void aTruncatedArchiveIsAnError() throws IOException {
    byte[] whole = cpio(List.of("usr/lib/ostree/ostree-prepare-root"), 5000);
    Path cut = write(Arrays.copyOf(whole, 2000));
    assertThrows(InitramfsListing.Malformed.class, () -> InitramfsListing.read(cut));
    Path garbage = write("0700garbage-header".getBytes(StandardCharsets.US_ASCII));
    assertThrows(InitramfsListing.Malformed.class, () -> InitramfsListing.read(garbage));
  }

  @Test
  void entriesGiveAFilesSha256AndALinksTarget() throws IOException {
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    entry(archive, "usr", 1, 040755, new byte[0]);
    entry(archive, "usr/lib/os-release", 2, 0100644,
        "ID=debian\n".getBytes(StandardCharsets.UTF_8));
    entry(archive, "bin", 3, 0120777, "usr/bin".getBytes(StandardCharsets.UTF_8));
    entry(archive, "TRAILER!!!", 0, 0, new byte[0]);
    Path image = write(concat(cpio(List.of("kernel"), 3), gzip(archive.toByteArray())));

    var entries = InitramfsListing.entries(image).orElseThrow();

    assertEquals(Set.of("kernel", "usr", "usr/lib/os-release", "bin"), entries.keySet());
    var release = entries.get("usr/lib/os-release");
    assertTrue(release.regular());
    assertEquals(dev.debforge.store.Sha256.hex("ID=debian\n".getBytes(StandardCharsets.UTF_8)),
        release.content());
    assertTrue(entries.get("bin").link());
    assertEquals("usr/bin", entries.get("bin").content());
    assertTrue(!entries.get("usr").regular() && !entries.get("usr").link());
    assertEquals(InitramfsListing.read(image).orElseThrow(), entries.keySet());
  }

  @Test
  void hardLinksAllGetTheBytesOfTheOneThatCarriesThem() throws IOException {
    byte[] data = "the same library".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    entry(archive, "usr/lib/a.so", 7, 0100755, 2, new byte[0]);
    entry(archive, "usr/lib/b.so", 7, 0100755, 2, data);
    entry(archive, "usr/lib/empty", 8, 0100644, 1, new byte[0]);
    entry(archive, "TRAILER!!!", 0, 0, new byte[0]);
    var entries = InitramfsListing.entries(write(gzip(archive.toByteArray()))).orElseThrow();
    String sha = dev.debforge.store.Sha256.hex(data);
    assertEquals(sha, entries.get("usr/lib/a.so").content());
    assertEquals(sha, entries.get("usr/lib/b.so").content());
    assertEquals(dev.debforge.store.Sha256.hex(new byte[0]),
        entries.get("usr/lib/empty").content());
  }

  @Test
  void theTextOfOneFile() throws IOException {
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    entry(archive, "usr/lib/dracut/modules.txt", 1, 0100644,
        "systemd\nostree\n".getBytes(StandardCharsets.UTF_8));
    entry(archive, "TRAILER!!!", 0, 0, new byte[0]);
    Path image = write(concat(cpio(List.of("early"), 5), gzip(archive.toByteArray())));
    assertEquals(Optional.of("systemd\nostree\n"),
        InitramfsListing.text(image, "usr/lib/dracut/modules.txt"));
    assertEquals(Optional.empty(), InitramfsListing.text(image, "etc/absent"));
  }

  @Test
  void anEmptyFileHasNoPaths() throws IOException {
    assertTrue(InitramfsListing.read(write(new byte[0])).orElseThrow().isEmpty());
  }

  private Path write(byte[] bytes) throws IOException {
    Path file = Files.createTempFile(dir, "initramfs", ".img");
    Files.write(file, bytes);
    return file;
  }

  /** A newc archive of the names, each a file of {@code size} bytes, ended by its trailer. */
  static byte[] cpio(List<String> names, int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int inode = 1;
    for (String name : names) {
      entry(out, name, inode++, 0100644, new byte[size]);
    }
    entry(out, "TRAILER!!!", 0, 0, new byte[0]);
    return out.toByteArray();
  }

  private static void entry(
      ByteArrayOutputStream out, String name, int inode, long mode, byte[] data) {
    entry(out, name, inode, mode, 1, data);
  }

  private static void entry(
      ByteArrayOutputStream out, String name, int inode, long mode, int links, byte[] data) {
    byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
    StringBuilder header = new StringBuilder("070701");
    long[] fields = {inode, mode, 0, 0, links, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0};
    for (long field : fields) {
      header.append(String.format("%08x", field));
    }
    out.writeBytes(header.toString().getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(nameBytes);
    out.writeBytes(new byte[(4 - (110 + nameBytes.length) % 4) % 4]);
    out.writeBytes(data);
    out.writeBytes(new byte[(4 - data.length % 4) % 4]);
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
