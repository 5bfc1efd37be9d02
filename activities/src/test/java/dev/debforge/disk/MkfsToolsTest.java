package dev.debforge.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MkfsToolsTest {

  private static final UUID ID = UUID.fromString("0b3c1a5e-1111-8222-8333-444455556666");

  @Test
  void mkfsExt4PinsFeaturesOwnerUuidAndSizeInKib() {
    ToolCall call =
        MkfsExt4.call(
            new MkfsExt4.Options(
                Path.of("/src"), Path.of("root.ext4"), 64L << 20, ID, "root", ID,
                Path.of("/cfg/mke2fs.conf"), 0L));
    assertEquals(
        List.of(
            "mkfs.ext4", "-q", "-t", "ext4", "-O", "^metadata_csum_seed,^orphan_file",
            "-E", "root_owner=0:0,hash_seed=" + ID, "-U", ID.toString(), "-L", "root",
            "-d", "/src", "-F", "root.ext4", "65536k"),
        call.argv());
    assertEquals(
        Map.of("MKE2FS_CONFIG", "/cfg/mke2fs.conf", "E2FSPROGS_FAKE_TIME", "0"),
        call.environment());
  }

  @Test
  void mkfsExt4WithoutPinnedConfigOrSeedLeavesThemOut() {
    ToolCall call =
        MkfsExt4.call(
            new MkfsExt4.Options(
                Path.of("/src"), Path.of("b.ext4"), 4096, ID, "boot", null, null, null));
    assertTrue(call.argv().contains("root_owner=0:0"));
    assertEquals(Map.of(), call.environment());
  }

  @Test
  void mkfsExt4InADiskImageGivesMke2fsThePartitionsOffset() {
    ToolCall call =
        MkfsExt4.call(
            new MkfsExt4.Options(
                Path.of("/src"), Path.of("disk.raw"), 64L << 20, ID, "root", null, null, null,
                640L << 20, false));
    int e = call.argv().indexOf("-E");
    assertEquals("root_owner=0:0,offset=" + (640L << 20), call.argv().get(e + 1));
    ToolCall inNewFile =
        MkfsExt4.call(
            new MkfsExt4.Options(
                Path.of("/src"), Path.of("disk.raw"), 64L << 20, ID, "root", null, null, null,
                640L << 20, true));
    assertEquals(
        "root_owner=0:0,offset=" + (640L << 20) + ",lazy_journal_init=1",
        inNewFile.argv().get(e + 1));
    assertEquals("disk.raw", call.argv().get(call.argv().size() - 2));
    assertThrows(
        IllegalArgumentException.class,
        () -> new MkfsExt4.Options(Path.of("s"), Path.of("f"), 4096, ID, "x", null, null, null,
            512, false));
  }

  @Test
  void mkfsExt4PinnedConfigDefinesExt4WithoutCsumSeed() {
    assertTrue(MkfsExt4.PINNED_CONFIG.contains("ext4 = {"));
    assertTrue(MkfsExt4.PINNED_CONFIG.contains("metadata_csum,"));
    assertTrue(!MkfsExt4.PINNED_CONFIG.contains("metadata_csum_seed"));
  }

  @Test
  void mkfsExt4RejectsLongLabelsAndOddSizes() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new MkfsExt4.Options(Path.of("s"), Path.of("f"), 4096, ID, "x".repeat(17),
            null, null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new MkfsExt4.Options(Path.of("s"), Path.of("f"), 1000, ID, "x", null, null, null));
  }

  @Test
  void debugfsSetsTheWholeFlagsWord() {
    ToolCall call =
        Debugfs.setInodeFlags(
            Path.of("root.ext4"), "/ostree/deploy/debian/deploy/abc.0",
            Debugfs.EXTENTS | Debugfs.IMMUTABLE);
    assertEquals(
        List.of(
            "debugfs", "-w", "-R",
            "set_inode_field /ostree/deploy/debian/deploy/abc.0 flags 0x80010", "root.ext4"),
        call.argv());
  }

  @Test
  void debugfsOpensAPartitionOfADiskImageAtItsOffset() {
    ToolCall call = Debugfs.setInodeFlags(Path.of("/s/disk.raw"), 1048576, "/a", 0x10);
    assertEquals("/s/disk.raw?offset=1048576", call.argv().get(4));
    assertEquals("/s/disk.raw", Debugfs.setInodeFlags(Path.of("/s/disk.raw"), 0, "/a", 0x10)
        .argv().get(4));
    assertThrows(
        IllegalArgumentException.class,
        () -> Debugfs.setInodeFlags(Path.of("/what?/disk.raw"), 1048576, "/a", 0x10));
  }

  @Test
  void debugfsQuotesBlanksAndRejectsRelativeOrQuotedPaths() {
    assertEquals(
        "set_inode_field \"/a b\" flags 0x10",
        Debugfs.setInodeFlags(Path.of("f"), "/a b", 0x10).argv().get(3));
    assertThrows(
        IllegalArgumentException.class, () -> Debugfs.setInodeFlags(Path.of("f"), "a", 0x10));
    assertThrows(
        IllegalArgumentException.class, () -> Debugfs.setInodeFlags(Path.of("f"), "/a\"", 0x10));
  }

  @Test
  void xfsDbMarksEveryDeploymentImmutableInOneRun() {
    assertEquals(
        List.of(
            "xfs_db", "-x",
            "-c", "path /ostree/deploy/debian/deploy/abc.0", "-c", "write core.immutable 1",
            "-c", "print core.immutable",
            "-c", "path /ostree/deploy/debian/deploy/def.0", "-c", "write core.immutable 1",
            "-c", "print core.immutable",
            "root.xfs"),
        XfsDb.setImmutable(
                Path.of("root.xfs"),
                List.of("/ostree/deploy/debian/deploy/abc.0", "/ostree/deploy/debian/deploy/def.0"))
            .argv());
    assertThrows(
        IllegalArgumentException.class, () -> XfsDb.setImmutable(Path.of("f"), List.of("/a b")));
    assertThrows(
        IllegalArgumentException.class, () -> XfsDb.setImmutable(Path.of("f"), List.of("a")));
    assertThrows(IllegalArgumentException.class, () -> XfsDb.setImmutable(Path.of("f"), List.of()));
  }

  @Test
  void xfsDbsOutputMustReadEveryInodeBackAsImmutable() {
    XfsDb.requireImmutable("core.immutable = 1\ncore.immutable = 1\n", 1);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> XfsDb.requireImmutable("field immutable not found\nparsing error\n", 1));
    assertTrue(e.getMessage().contains("parsing error"), e.getMessage());
    assertThrows(
        IllegalStateException.class,
        () -> XfsDb.requireImmutable("core.immutable = 1\ncore.immutable = 1\n", 2));
  }

  @Test
  void mkfsVfatMakesFat32WithVolumeIdAndLabel() {
    assertEquals(
        List.of("mkfs.vfat", "-F", "32", "-i", "1234ABCD", "-n", "ESP", "--invariant", "esp.img"),
        MkfsVfat.call(new MkfsVfat.Options(Path.of("esp.img"), "1234ABCD", "ESP", true)).argv());
    assertThrows(
        IllegalArgumentException.class,
        () -> new MkfsVfat.Options(Path.of("e"), "1234-ABCD", "ESP", false));
    assertThrows(
        IllegalArgumentException.class,
        () -> new MkfsVfat.Options(Path.of("e"), "1234ABCD", "TWELVE_CHARS", false));
  }

  @Test
  void mtoolsAddressesAPartitionInsideTheImage() {
    ToolCall mmd = Mtools.mkdir(Path.of("disk.raw"), 2097152, List.of("/EFI", "/EFI/BOOT"));
    assertEquals(
        List.of("mmd", "-i", "disk.raw@@2097152", "::/EFI", "::/EFI/BOOT"), mmd.argv());
    assertEquals(Map.of("MTOOLS_SKIP_CHECK", "1"), mmd.environment());
    ToolCall mcopy = Mtools.copy(Path.of("disk.raw"), 2097152, Path.of("BOOTX64.EFI"), "/EFI/BOOT");
    assertEquals(
        List.of("mcopy", "-i", "disk.raw@@2097152", "-s", "-p", "-Q", "BOOTX64.EFI", "::/EFI/BOOT"),
        mcopy.argv());
    assertEquals("esp.img", Mtools.mkdir(Path.of("esp.img"), 0, List.of("/EFI")).argv().get(2));
    assertThrows(
        IllegalArgumentException.class,
        () -> Mtools.copy(Path.of("d"), 0, Path.of("x"), "EFI"));
  }

  @Test
  void mkfsBtrfsFillsFromADirectory() {
    assertEquals(
        List.of("mkfs.btrfs", "--rootdir", "/src", "-U", ID.toString(), "-L", "root", "r.btrfs"),
        MkfsBtrfs.call(new MkfsBtrfs.Options(Path.of("/src"), Path.of("r.btrfs"), ID, "root"))
            .argv());
  }

  @Test
  void mkfsXfsFillsTheFileSystemFromADirectoryWithAKernelsConfiguration() {
    assertEquals(
        List.of("mkfs.xfs", "-q", "-c", "options=/t/lts_6.1.conf", "-m", "uuid=" + ID, "-L",
            "root", "-p", "file=/src", "r.xfs"),
        MkfsXfs.call(
                new MkfsXfs.Options(
                    Path.of("/src"), Path.of("r.xfs"), ID, "root", Path.of("/t/lts_6.1.conf")))
            .argv());
    assertEquals(
        List.of("mkfs.xfs", "-q", "-m", "uuid=" + ID, "-L", "root", "-p", "file=/src", "r.xfs"),
        MkfsXfs.call(new MkfsXfs.Options(Path.of("/src"), Path.of("r.xfs"), ID, "root", null))
            .argv());
    assertThrows(
        IllegalArgumentException.class,
        () -> new MkfsXfs.Options(Path.of("/src"), Path.of("r"), ID, "thirteen-char", null));
  }

  @Test
  void theXfsConfigurationIsTheNewestLongTermKernelNotNewerThanTheImages() {
    List<String> shipped =
        List.of("dax_x86_64.conf", "lts_4.19.conf", "lts_5.10.conf", "lts_5.15.conf",
            "lts_5.4.conf", "lts_6.1.conf", "lts_6.12.conf", "lts_6.18.conf", "lts_6.6.conf");
    assertEquals(Optional.of("lts_6.1.conf"), MkfsXfs.ltsConfig(shipped, "6.1.0-41-amd64"));
    assertEquals(Optional.of("lts_6.12.conf"), MkfsXfs.ltsConfig(shipped, "6.12.57+deb13-amd64"));
    assertEquals(Optional.of("lts_6.6.conf"), MkfsXfs.ltsConfig(shipped, "6.11.2-arm64"));
    assertEquals(Optional.of("lts_6.18.conf"), MkfsXfs.ltsConfig(shipped, "7.0.1"));
    assertEquals(Optional.of("lts_5.10.conf"), MkfsXfs.ltsConfig(shipped, "5.10.0-30-amd64"));
    assertEquals(Optional.empty(), MkfsXfs.ltsConfig(shipped, "4.9.0-19-amd64"));
    assertThrows(IllegalArgumentException.class, () -> MkfsXfs.ltsConfig(shipped, "vmlinuz"));
  }

  @Test
  void anXfsprogsOlderThanSevenOneIsRefusedForItsDirectoryImport() {
    assertEquals("7.2.0", MkfsXfs.requireMinimum("mkfs.xfs version 7.2.0\n"));
    assertEquals("7.1.1", MkfsXfs.requireMinimum("mkfs.xfs version 7.1.1"));
    assertEquals("10.0.0", MkfsXfs.requireMinimum("mkfs.xfs version 10.0.0"));
    for (String old : List.of("mkfs.xfs version 6.1.0", "mkfs.xfs version 6.17.0",
        "mkfs.xfs version 7.0.0")) {
      assertTrue(
          assertThrows(IllegalArgumentException.class, () -> MkfsXfs.requireMinimum(old))
              .getMessage()
              .contains("older than 7.1"),
          old);
    }
    assertThrows(IllegalArgumentException.class, () -> MkfsXfs.requireMinimum("garbage"));
  }
}
