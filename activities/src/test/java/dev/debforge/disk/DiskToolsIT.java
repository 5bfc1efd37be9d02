package dev.debforge.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.boot.BiosBoot;
import dev.debforge.boot.Firmware;
import dev.debforge.boot.GrubConfig;
import dev.debforge.boot.GrubMkimage;
import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds a small amd64 disk with the real tools, as the disk stage will: file systems from
 * directories into files, the GPT with sfdisk, partitions copied in sparsely, GRUB for BIOS
 * patched in, then a qcow2. Fails (does not skip) when a tool is missing.
 */
class DiskToolsIT {

  private static final long MIB = LayoutRequest.MIB;
  private static final String SEED = "disk-tools-it";

  private final ProcessToolRunner runner = new ProcessToolRunner();

  @TempDir Path work;

  @Test
  void buildsAPartitionedSparseDiskAndConvertsIt() throws Exception {
    DiskLayout layout =
        DiskLayout.compute(
            LayoutRequest.defaults(Architecture.AMD64, SEED, 0)
                .withEspBytes(34 * MIB)
                .withBootBytes(8 * MIB)
                .withMinimumRootBytes(8 * MIB)
                .withRequestedBytes(64 * MIB));
    Partition espPart = layout.partition(PartitionRole.ESP);
    Partition bootPart = layout.partition(PartitionRole.BOOT);
    Partition rootPart = layout.partition(PartitionRole.ROOT);

    // The root tree: a hard link and a directory that gets the immutable bit back.
    Path rootDir = Files.createDirectories(work.resolve("rootfs/ostree/deploy/debian/deploy/c.0"));
    Files.writeString(rootDir.resolve("hello"), "hello\n");
    Files.createLink(rootDir.resolve("hello-link"), rootDir.resolve("hello"));
    Path bootDir = Files.createDirectories(work.resolve("bootfs/grub"));
    Files.writeString(
        bootDir.resolve("grub.cfg"),
        GrubConfig.defaults(bootPart.filesystemId()).espConfig());

    Path config = work.resolve("mke2fs.conf");
    Files.writeString(config, MkfsExt4.PINNED_CONFIG);
    Path rootImg = work.resolve("root.ext4");
    run(MkfsExt4.call(new MkfsExt4.Options(
        work.resolve("rootfs"), rootImg, rootPart.sizeBytes(),
        UUID.fromString(rootPart.filesystemId()), "root", null, config, 0L)));
    run(Debugfs.setInodeFlags(
        rootImg, "/ostree/deploy/debian/deploy/c.0", Debugfs.EXTENTS | Debugfs.IMMUTABLE));
    String stat = run(ToolCall.of(
        List.of("debugfs", "-R", "stat /ostree/deploy/debian/deploy/c.0", rootImg.toString()),
        Duration.ofMinutes(1)));
    assertTrue(stat.contains("Flags: 0x80010"), stat);
    String links = run(ToolCall.of(
        List.of("debugfs", "-R", "stat /ostree/deploy/debian/deploy/c.0/hello",
            rootImg.toString()),
        Duration.ofMinutes(1)));
    assertTrue(links.contains("Links: 2"), links);
    String features = run(ToolCall.of(
        List.of("dumpe2fs", "-h", rootImg.toString()), Duration.ofMinutes(1)));
    assertTrue(features.contains("metadata_csum") && !features.contains("metadata_csum_seed")
        && !features.contains("orphan_file"), features);
    assertTrue(features.contains("Filesystem UUID:          " + rootPart.filesystemId()),
        features);

    Path bootImg = work.resolve("boot.ext4");
    run(MkfsExt4.call(new MkfsExt4.Options(
        work.resolve("bootfs"), bootImg, bootPart.sizeBytes(),
        UUID.fromString(bootPart.filesystemId()), "boot", null, config, 0L)));

    Path espImg = work.resolve("esp.vfat");
    sparseFile(espImg, espPart.sizeBytes());
    run(MkfsVfat.call(new MkfsVfat.Options(espImg, espPart.filesystemId(), "EFI-SYSTEM", true)));
    run(Mtools.mkdir(espImg, 0, List.of("/EFI", "/EFI/BOOT")));
    Path espCfg = work.resolve("grub.cfg");
    Files.writeString(espCfg, GrubConfig.defaults(bootPart.filesystemId()).espConfig());
    run(Mtools.copy(espImg, 0, espCfg, "/EFI/BOOT/grub.cfg"));

    // The disk: sparse, table first, then each partition at its offset.
    Path disk = work.resolve("disk.raw");
    sparseFile(disk, layout.sizeBytes());
    Path script = work.resolve("table.sfdisk");
    Files.writeString(script, Sfdisk.script(layout));
    run(Sfdisk.write(disk, script));
    SparseCopy.copyInto(espImg, disk, espPart.offsetBytes(), espPart.sizeBytes());
    SparseCopy.copyInto(bootImg, disk, bootPart.offsetBytes(), bootPart.sizeBytes());
    SparseCopy.copyInto(rootImg, disk, rootPart.offsetBytes(), rootPart.sizeBytes());

    Sfdisk.Table table = Sfdisk.parse(run(Sfdisk.dumpJson(disk)));
    assertEquals(List.of(), Sfdisk.differences(layout, table));

    // The ESP inside the disk is reachable with mtools at its offset.
    String espCfgBack = run(ToolCall.of(
            List.of("mtype", "-i", disk + "@@" + espPart.offsetBytes(), "::/EFI/BOOT/grub.cfg"),
            Duration.ofMinutes(1))
        .withEnvironment(java.util.Map.of("MTOOLS_SKIP_CHECK", "1")));
    assertEquals(Files.readString(espCfg), espCfgBack.replace("\r\n", "\n"));

    // BIOS GRUB from the host's module directory, patched in; the table must not change.
    Path early = work.resolve("early.cfg");
    Files.writeString(early, GrubConfig.defaults(bootPart.filesystemId()).earlyConfig());
    Path core = work.resolve("core.img");
    Path modules = Path.of("/usr/lib/grub/i386-pc");
    run(GrubMkimage.call(new GrubMkimage.Options(
        Architecture.AMD64, Firmware.BIOS, modules, core, "/grub", early)));
    String dumpBefore = run(ToolCall.of(List.of("sfdisk", "-d", disk.toString()),
        Duration.ofMinutes(1)));
    Partition bios = layout.partition(PartitionRole.BIOS_BOOT);
    BiosBoot.install(disk, Files.readAllBytes(modules.resolve("boot.img")),
        Files.readAllBytes(core), bios.startLba(), bios.sizeSectors());
    assertEquals(dumpBefore, run(ToolCall.of(List.of("sfdisk", "-d", disk.toString()),
        Duration.ofMinutes(1))));
    byte[] sector0 = Arrays.copyOf(Files.readAllBytes(disk), 512);
    assertEquals(0x55, sector0[510] & 0xFF);
    assertEquals(0xAA, sector0[511] & 0xFF);

    // The file systems inside the disk are the ones that were built.
    byte[] diskBytes = Files.readAllBytes(disk);
    byte[] rootBytes = Files.readAllBytes(rootImg);
    assertArrayEquals(rootBytes, Arrays.copyOfRange(diskBytes,
        (int) rootPart.offsetBytes(), (int) rootPart.offsetBytes() + rootBytes.length));

    Path qcow2 = work.resolve("disk.qcow2");
    run(QemuImg.convert(new QemuImg.Convert(disk, qcow2, QemuImg.Format.QCOW2, false)));
    run(QemuImg.check(qcow2, QemuImg.Format.QCOW2));
    run(QemuImg.compare(disk, qcow2, QemuImg.Format.QCOW2));
    String info = run(QemuImg.info(qcow2));
    assertTrue(info.contains("\"virtual-size\": " + layout.sizeBytes()), info);
  }

  @Test
  void makesExt4FileSystemsInPlaceInADiskThatStaysSparse() throws Exception {
    DiskLayout layout =
        DiskLayout.compute(
            LayoutRequest.defaults(Architecture.AMD64, SEED, 0)
                .withEspBytes(34 * MIB)
                .withBootBytes(64 * MIB)
                .withRequestedBytes(4096 * MIB));
    Partition bootPart = layout.partition(PartitionRole.BOOT);
    Partition rootPart = layout.partition(PartitionRole.ROOT);
    Path rootDir = Files.createDirectories(work.resolve("rootfs/ostree/deploy/debian/deploy/c.0"));
    Files.writeString(rootDir.resolve("hello"), "hello\n");
    Files.createLink(rootDir.resolve("hello-link"), rootDir.resolve("hello"));
    Path bootDir = Files.createDirectories(work.resolve("bootfs/loader"));
    Files.writeString(bootDir.resolve("entry.conf"), "title x\n");
    Path config = work.resolve("mke2fs.conf");
    Files.writeString(config, MkfsExt4.PINNED_CONFIG);

    Path disk = work.resolve("disk.raw");
    sparseFile(disk, layout.sizeBytes());
    Path script = work.resolve("table.sfdisk");
    Files.writeString(script, Sfdisk.script(layout));
    run(Sfdisk.write(disk, script));
    String table = run(ToolCall.of(List.of("sfdisk", "-d", disk.toString()),
        Duration.ofMinutes(1)));

    // The same disk twice: one with the journals written by mke2fs, one (the partition step's
    // way) with the new sparse file's zeros taken as the journals' zeros.
    Path written = work.resolve("written.raw");
    run(ToolCall.of(List.of("cp", "--sparse=always", disk.toString(), written.toString()),
        Duration.ofMinutes(1)));
    makeFileSystems(disk, config, bootPart, rootPart, true);
    makeFileSystems(written, config, bootPart, rootPart, false);

    // Neither mke2fs nor debugfs wrote outside its partition: both GPT copies are as sfdisk
    // wrote them, and the disk is exactly as long as the layout says.
    assertEquals(table, run(ToolCall.of(List.of("sfdisk", "-d", disk.toString()),
        Duration.ofMinutes(1))));
    assertEquals(List.of(), Sfdisk.differences(layout, Sfdisk.parse(run(Sfdisk.dumpJson(disk)))));
    assertEquals(layout.sizeBytes(), Files.size(disk));
    // Each file system is whole and holds its tree, read where the partition starts.
    String root = disk + "?offset=" + rootPart.offsetBytes();
    String boot = disk + "?offset=" + bootPart.offsetBytes();
    run(ToolCall.of(List.of("e2fsck", "-fn", root), Duration.ofMinutes(1)));
    run(ToolCall.of(List.of("e2fsck", "-fn", boot), Duration.ofMinutes(1)));
    String stat = run(ToolCall.of(
        List.of("debugfs", "-R", "stat /ostree/deploy/debian/deploy/c.0", root),
        Duration.ofMinutes(1)));
    assertTrue(stat.contains("Flags: 0x80010"), stat);
    String links = run(ToolCall.of(
        List.of("debugfs", "-R", "stat /ostree/deploy/debian/deploy/c.0/hello", root),
        Duration.ofMinutes(1)));
    assertTrue(links.contains("Links: 2"), links);
    assertEquals("title x\n", run(ToolCall.of(
        List.of("debugfs", "-R", "cat /loader/entry.conf", boot), Duration.ofMinutes(1))));
    String uuid = run(ToolCall.of(List.of("dumpe2fs", "-h", root), Duration.ofMinutes(1)));
    assertTrue(uuid.contains("Filesystem UUID:          " + rootPart.filesystemId()), uuid);
    // A 4 GiB disk whose file systems hold a few bytes allocates a few MiB: what mke2fs writes,
    // not the declared size, and not the journal's 64 MiB of zeros either; the journals read
    // back as those mke2fs wrote. (The rest of the two disks differs only in the times mke2fs
    // 1.47.0 still takes from the clock when two runs straddle a second.)
    long allocated = AllocatedBytes.of(disk);
    assertTrue(allocated < 16 * MIB, "allocated " + allocated + " bytes");
    assertTrue(AllocatedBytes.of(written) > allocated + 60 * MIB,
        AllocatedBytes.of(written) + " bytes with the journals written, " + allocated + " without");
    for (Partition part : List.of(bootPart, rootPart)) {
      long journalBytes = 0;
      for (long[] blocks : journalExtents(disk, part)) {
        long start = part.offsetBytes() + blocks[0] * 4096;
        long length = (blocks[1] - blocks[0] + 1) * 4096;
        assertTrue(sameBytes(disk, written, start, length),
            "the journal's blocks " + blocks[0] + "-" + blocks[1] + " of " + part.role());
        journalBytes += length;
      }
      assertTrue(journalBytes >= 4 * MIB, part.role() + "'s journal: " + journalBytes);
    }
  }

  /** The physical block ranges of the journal (inode 8) of the file system at the partition. */
  private List<long[]> journalExtents(Path disk, Partition part) throws ToolException {
    String stat = run(ToolCall.of(
        List.of("debugfs", "-R", "stat <8>", disk + "?offset=" + part.offsetBytes()),
        Duration.ofMinutes(1)));
    Matcher m = Pattern.compile("\\(\\d+(?:-\\d+)?\\):(\\d+)(?:-(\\d+))?").matcher(
        stat.substring(stat.indexOf("EXTENTS:")));
    List<long[]> extents = new ArrayList<>();
    while (m.find()) {
      long first = Long.parseLong(m.group(1));
      extents.add(new long[] {first, m.group(2) == null ? first : Long.parseLong(m.group(2))});
    }
    assertFalse(extents.isEmpty(), stat);
    return extents;
  }

  private static boolean sameBytes(Path a, Path b, long start, long length) throws IOException {
    try (RandomAccessFile fa = new RandomAccessFile(a.toFile(), "r");
        RandomAccessFile fb = new RandomAccessFile(b.toFile(), "r")) {
      byte[] ba = new byte[(int) MIB];
      byte[] bb = new byte[(int) MIB];
      for (long at = start; at < start + length; at += MIB) {
        int n = (int) Math.min(MIB, start + length - at);
        fa.seek(at);
        fa.readFully(ba, 0, n);
        fb.seek(at);
        fb.readFully(bb, 0, n);
        if (!Arrays.equals(ba, 0, n, bb, 0, n)) {
          return false;
        }
      }
    }
    return true;
  }

  private void makeFileSystems(
      Path disk, Path config, Partition bootPart, Partition rootPart, boolean zeroed)
      throws ToolException {
    UUID seed = UUID.nameUUIDFromBytes(SEED.getBytes(StandardCharsets.UTF_8));
    run(MkfsExt4.call(new MkfsExt4.Options(
        work.resolve("bootfs"), disk, bootPart.sizeBytes(),
        UUID.fromString(bootPart.filesystemId()), "boot", seed, config, 0L,
        bootPart.offsetBytes(), zeroed)));
    run(MkfsExt4.call(new MkfsExt4.Options(
        work.resolve("rootfs"), disk, rootPart.sizeBytes(),
        UUID.fromString(rootPart.filesystemId()), "root", seed, config, 0L,
        rootPart.offsetBytes(), zeroed)));
    run(Debugfs.setInodeFlags(disk, rootPart.offsetBytes(),
        "/ostree/deploy/debian/deploy/c.0", Debugfs.EXTENTS | Debugfs.IMMUTABLE));
  }

  private String run(ToolCall call) throws ToolException {
    return runner.run(call).stdout();
  }

  private static void sparseFile(Path file, long size) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    }
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
