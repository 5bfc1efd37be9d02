package dev.debforge.stage.partition;

import dev.debforge.boot.BiosBoot;
import dev.debforge.disk.Architecture;
import dev.debforge.disk.Debugfs;
import dev.debforge.disk.DiskLayout;
import dev.debforge.disk.LayoutRequest;
import dev.debforge.disk.MkfsBtrfs;
import dev.debforge.disk.MkfsExt4;
import dev.debforge.disk.MkfsVfat;
import dev.debforge.disk.MkfsXfs;
import dev.debforge.disk.Mtools;
import dev.debforge.disk.Partition;
import dev.debforge.disk.PartitionRole;
import dev.debforge.disk.Sfdisk;
import dev.debforge.disk.SparseCopy;
import dev.debforge.disk.XfsDb;
import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolCall;
import dev.debforge.process.SideTask;
import dev.debforge.process.ToolTree;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code partition}: assembles the raw disk image, without loop devices or mounts.
 *
 * <p>Each file system is built from a directory into a file: the root with {@code mkfs.ext4 -d}
 * (or {@code mkfs.btrfs --rootdir}, or {@code mkfs.xfs -p file=} from the {@code tools} step's
 * newer xfsprogs) from a hard-linked copy of the sysroot without /boot, so the
 * deployment's hard links into the OSTree repository survive; /boot with {@code mkfs.ext4 -d}
 * from the sysroot's /boot plus GRUB's menu and modules; the ESP with {@code mkfs.vfat} and
 * mtools. ext4 features are pinned and the UUIDs derive from the build seed. The GPT is written
 * first, to a sparse image file, with sfdisk; the ext4 file systems are then made in place at
 * their partitions' offsets ({@code mke2fs -E offset=}, so what they hold is written once and a
 * large declared size costs nothing); the ESP, and a btrfs or xfs root, are made in files and
 * copied in with zero blocks skipped, so the image stays sparse; GRUB's BIOS boot code is
 * patched in, and the partition table is read back and compared with the layout.
 *
 * <p>Inputs: {@code sysroot} (deploy), {@code bootloader}, and for an XFS root {@code tools}.
 * Output: {@code disk.raw}.
 */
public final class PartitionStage implements Stage<PartitionOptions> {

  public static final String ID = "partition";
  private static final Duration DU_TIMEOUT = Duration.ofMinutes(10);

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 5;
  }

  @Override
  public Class<PartitionOptions> optionsType() {
    return PartitionOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, PartitionOptions options) throws Exception {
    Architecture arch = Architecture.fromDebianName(context.architecture());
    Path sysroot = context.input("sysroot").resolve("sysroot");
    Path bootloader = context.input("bootloader");
    Path scratch = context.scratch();

    // The root's hard-linked copy (mkfs has no exclude, and /boot must be empty in the root) is
    // made beside the sizing, the table and the /boot file system: on two processors it then
    // costs little time of its own.
    Path rootDir = scratch.resolve("rootfs");
    try (SideTask<Void> rootCopy =
        SideTask.start(
            "partition-root-copy",
            () -> {
              context.tools().run(Trees.copy(sysroot, rootDir, true));
              emptyDirectory(rootDir.resolve("boot"));
              return null;
            })) {
      return assemble(context, options, arch, sysroot, bootloader, rootDir, rootCopy);
    }
  }

  private StageOutput assemble(
      StageContext context,
      PartitionOptions options,
      Architecture arch,
      Path sysroot,
      Path bootloader,
      Path rootDir,
      SideTask<Void> rootCopy)
      throws Exception {
    Path scratch = context.scratch();
    long content = diskUsage(context, sysroot);
    LayoutRequest request = LayoutRequest.defaults(arch, options.seed(), content);
    if (options.sizeBytes() != null) {
      request = request.withRequestedBytes(options.sizeBytes());
    }
    if (options.minRootBytes() != null) {
      request =
          request.withMinimumRootBytes(
              Math.max(options.minRootBytes(), LayoutRequest.DEFAULT_MINIMUM_ROOT_BYTES));
    }
    DiskLayout layout;
    try {
      layout = DiskLayout.compute(request);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage(), null);
    }
    context.progress(
        "disk of " + layout.sizeBytes() / LayoutRequest.MIB + " MiB for " + content
            / LayoutRequest.MIB + " MiB of content");

    Path config = Files.writeString(scratch.resolve("mke2fs.conf"), MkfsExt4.PINNED_CONFIG);
    Partition boot = layout.partition(PartitionRole.BOOT);
    Partition root = layout.partition(PartitionRole.ROOT);
    Partition esp = layout.partition(PartitionRole.ESP);

    // The table first: the ext4 file systems are then made in place at their offsets, which
    // mke2fs keeps to, so their bytes are written once and the disk's holes stay holes (the
    // journals too: the new file reads as zeros, so mke2fs need not write theirs).
    context.progress("partition table");
    Path disk = context.output().resolve("disk.raw");
    allocate(disk, layout.sizeBytes());
    Path script = Files.writeString(scratch.resolve("sfdisk.script"), Sfdisk.script(layout));
    context.tools().run(Sfdisk.write(disk, script));

    context.progress("/boot file system");
    Path bootDir = scratch.resolve("bootfs");
    context.tools().run(Trees.copy(sysroot.resolve("boot"), bootDir, false));
    context.tools().run(Trees.copy(bootloader.resolve("boot"), bootDir, false));
    Files.createDirectories(bootDir.resolve("efi"));
    context.tools().run(
        MkfsExt4.call(
            new MkfsExt4.Options(
                bootDir, disk, boot.sizeBytes(), UUID.fromString(boot.filesystemId()),
                "boot", hashSeed(options.seed(), "boot"), config, options.sourceDateEpoch(),
                boot.offsetBytes(), true)));

    context.progress("root file system (" + options.rootFsType() + ")");
    rootCopy.get();
    makeRoot(context, options, root, rootDir, disk, config);
    Trees.delete(rootDir);

    context.progress("ESP");
    Path espImage = scratch.resolve("esp.vfat");
    allocate(espImage, esp.sizeBytes());
    // Not --invariant: dosfstools 4.2 then sets the volume id to 1234-ABCD whatever -i says, and
    // fstab names the ESP by the id derived from the build.
    context.tools().run(
        MkfsVfat.call(new MkfsVfat.Options(espImage, esp.filesystemId(), "EFI-SYSTEM", false)));
    Path espContent = bootloader.resolve("esp");
    if (Files.isDirectory(espContent.resolve("EFI"))) {
      context.tools().run(Mtools.copy(espImage, 0, espContent.resolve("EFI"), "/"));
    }
    SparseCopy.copyInto(espImage, disk, esp.offsetBytes(), esp.sizeBytes());

    Path bios = bootloader.resolve("bios");
    if (options.firmwares().contains("bios")) {
      Partition biosBoot = layout.partition(PartitionRole.BIOS_BOOT);
      BiosBoot.install(
          disk,
          Files.readAllBytes(bios.resolve("boot.img")),
          Files.readAllBytes(bios.resolve("core.img")),
          biosBoot.startLba(),
          biosBoot.sizeSectors());
    }
    String json = context.tools().run(Sfdisk.dumpJson(disk)).stdout();
    List<String> differences = Sfdisk.differences(layout, Sfdisk.parse(json));
    if (!differences.isEmpty()) {
      throw new IOException(
          "the partition table read back differs from the layout: " + differences);
    }

    Map<String, String> facts = new TreeMap<>();
    facts.put("sizeBytes", Long.toString(layout.sizeBytes()));
    facts.put("rootUuid", root.filesystemId());
    facts.put("bootUuid", boot.filesystemId());
    facts.put("espUuid", esp.fstabUuid());
    facts.put("diskGuid", layout.diskGuid());
    facts.put("rootFsType", options.rootFsType());
    return new StageOutput(facts);
  }

  private static void makeRoot(
      StageContext context,
      PartitionOptions options,
      Partition root,
      Path rootDir,
      Path disk,
      Path config)
      throws Exception {
    UUID uuid = UUID.fromString(root.filesystemId());
    // btrfs and xfs are made in a file of their own and copied in: neither mkfs takes an offset.
    Path rootImage = context.scratch().resolve("root.img");
    switch (options.rootFsType()) {
      case "ext4" -> {
        context.tools().run(
            MkfsExt4.call(
                new MkfsExt4.Options(
                    rootDir, disk, root.sizeBytes(), uuid, "root",
                    hashSeed(options.seed(), "root"), config, options.sourceDateEpoch(),
                    root.offsetBytes(), true)));
        // mkfs.ext4 -d copies owners, modes, xattrs and hard links but not inode flags: OSTree's
        // immutable deployment roots get theirs back here.
        for (String deployment : deployments(rootDir)) {
          context.tools().run(
              Debugfs.setInodeFlags(
                  disk, root.offsetBytes(), "/" + deployment,
                  Debugfs.EXTENTS | Debugfs.IMMUTABLE));
        }
      }
      case "btrfs" -> {
        allocate(rootImage, root.sizeBytes());
        context.tools().run(MkfsBtrfs.call(new MkfsBtrfs.Options(rootDir, rootImage, uuid,
            "root")));
        SparseCopy.copyInto(rootImage, disk, root.offsetBytes(), root.sizeBytes());
        Trees.delete(rootImage);
      }
      case "xfs" -> {
        ToolTree tools = new ToolTree(context.input("tools").resolve("root"));
        String version;
        try {
          version =
              MkfsXfs.requireMinimum(context.tools().run(tools.wrap(MkfsXfs.version())).stdout());
        } catch (IllegalArgumentException e) {
          throw new BadInputException(
              e.getMessage() + " (from the tools step: " + context.facts("tools") + ")",
              "the mirror's sid is too old for an xfs root; use --rootfs ext4 or btrfs");
        }
        String kernel = kernelVersion(rootDir);
        List<String> configs;
        try (Stream<Path> files = Files.list(tools.file(MkfsXfs.CONFIG_DIR))) {
          configs = files.map(p -> p.getFileName().toString()).toList();
        }
        String xfsConfig =
            MkfsXfs.ltsConfig(configs, kernel)
                .orElseThrow(
                    () ->
                        new BadInputException(
                            "the image's kernel " + kernel + " is older than every mkfs.xfs "
                                + "configuration " + configs,
                            "use --rootfs ext4 or btrfs"));
        context.progress(
            "mkfs.xfs " + version + " with " + xfsConfig + " for kernel " + kernel);
        allocate(rootImage, root.sizeBytes());
        context.tools().run(
            tools.wrap(
                MkfsXfs.call(
                    new MkfsXfs.Options(
                        rootDir, rootImage, uuid, "root",
                        tools.file(MkfsXfs.CONFIG_DIR + "/" + xfsConfig)))));
        // Like mkfs.ext4 -d, mkfs.xfs -p file= leaves inode flags out.
        List<String> deployments = deployments(rootDir).stream().map(d -> "/" + d).toList();
        if (!deployments.isEmpty()) {
          XfsDb.requireImmutable(
              context.tools().run(tools.wrap(XfsDb.setImmutable(rootImage, deployments))).stdout(),
              deployments.size());
        }
        SparseCopy.copyInto(rootImage, disk, root.offsetBytes(), root.sizeBytes());
        Trees.delete(rootImage);
      }
      default ->
          throw new BadInputException(
              "root file system " + options.rootFsType() + " is not supported",
              "use --rootfs ext4, xfs or btrfs");
    }
  }

  /** The kernel version of the first deployment: its {@code usr/lib/modules} directory name. */
  static String kernelVersion(Path sysroot) throws IOException {
    for (String deployment : deployments(sysroot)) {
      Path modules = sysroot.resolve(deployment).resolve("usr/lib/modules");
      if (Files.isDirectory(modules)) {
        try (Stream<Path> dirs = Files.list(modules)) {
          List<String> versions =
              dirs.filter(d -> Files.isRegularFile(d.resolve("vmlinuz")))
                  .map(d -> d.getFileName().toString())
                  .sorted()
                  .toList();
          if (!versions.isEmpty()) {
            return versions.get(versions.size() - 1);
          }
        }
      }
    }
    throw new IOException("no deployment in " + sysroot + " has a kernel in usr/lib/modules");
  }

  /** The deployment roots, relative to the sysroot: {@code ostree/deploy/OS/deploy/CSUM.N}. */
  static List<String> deployments(Path sysroot) throws IOException {
    Path deploy = sysroot.resolve("ostree/deploy");
    if (!Files.isDirectory(deploy)) {
      return List.of();
    }
    try (Stream<Path> paths = Files.walk(deploy, 3)) {
      return paths
          .filter(p -> deploy.relativize(p).getNameCount() == 3)
          .filter(p -> p.getParent().getFileName().toString().equals("deploy"))
          .filter(Files::isDirectory)
          .map(p -> sysroot.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  private static long diskUsage(StageContext context, Path dir) throws Exception {
    // du counts hard-linked files once, as the file system will store them.
    String out =
        context
            .tools()
            .run(ToolCall.of(List.of("du", "-s", "--block-size=1", dir.toString()), DU_TIMEOUT))
            .stdout();
    return Long.parseLong(out.split("\\s+")[0]);
  }

  private static UUID hashSeed(String seed, String role) {
    return new dev.debforge.disk.BuildIds(seed).uuid("hash:" + role);
  }

  private static void allocate(Path file, long size) throws IOException {
    Files.deleteIfExists(file);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(size);
    }
  }

  private static void emptyDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path entry : entries) {
          Trees.delete(entry);
        }
      }
    } else {
      Files.createDirectories(dir);
    }
  }
}
