package dev.debforge.plan;

import dev.debforge.config.ConfigUser;
import dev.debforge.disk.BuildIds;
import dev.debforge.disk.QemuImg;
import dev.debforge.plugin.Anchor;
import dev.debforge.plugin.OutputType;
import dev.debforge.stage.bootloader.BootloaderOptions;
import dev.debforge.stage.bootloader.BootloaderStage;
import dev.debforge.stage.convert.ConvertStage;
import dev.debforge.stage.convert.DiskType;
import dev.debforge.stage.deploy.DeployOptions;
import dev.debforge.stage.deploy.DeployStage;
import dev.debforge.stage.extract.ExtractOptions;
import dev.debforge.stage.extract.ExtractStage;
import dev.debforge.stage.ostreecommit.OstreeCommitOptions;
import dev.debforge.stage.ostreecommit.OstreeCommitStage;
import dev.debforge.stage.partition.PartitionOptions;
import dev.debforge.stage.partition.PartitionStage;
import dev.debforge.stage.publishdisk.PublishDiskOptions;
import dev.debforge.stage.publishdisk.PublishDiskStage;
import dev.debforge.stage.tools.ToolsOptions;
import dev.debforge.stage.tools.ToolsStage;
import dev.debforge.stage.verify.VerifyOptions;
import dev.debforge.stage.verify.VerifyStage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The steps that turn an image into disks: {@code extract → ostree-commit → deploy →
 * bootloader → partition → [verify (one per firmware)] → convert (one per type) →
 * publish-disk}, with a {@code tools} step feeding partition for an XFS root. raw and ami are
 * published from the partition step, and qcow2 is converted as it is published
 * ({@link DiskType#direct}): they have no convert step. For {@code run},
 * the compose steps' tree and commit take the place of extract and ostree-commit.
 */
public final class DiskPlan {

  /** The file the partition step (and a step after it, at {@code after-disk}) leaves. */
  private static final String RAW_DISK_FILE = "disk.raw";

  /**
   * The suite whose xfsprogs fills an XFS root: the first that can copy a directory with hard
   * links and xattrs (6.17 or later) is newer than any stable suite's so far.
   */
  static final String XFS_TOOLS_SUITE = "sid";

  private DiskPlan() {}

  /**
   * The machine that plans and runs the steps, for tools it must fetch for itself.
   *
   * @param architecture its architecture, in Debian's naming
   * @param archives the archives its apt uses, as {@code apt-get indextargets} prints them; asked
   *     for only by a plan that fetches tools (an XFS root), as asking apt takes half a second
   */
  public record Host(String architecture, Supplier<List<String>> archives) {

    public Host(String architecture, List<String> archiveUris) {
      this(architecture, () -> archiveUris);
    }

    public List<String> archiveUris() {
      return List.copyOf(archives.get());
    }
  }

  /**
   * What the user asked of the disks.
   *
   * @param origin the OSTree repository the disks' system updates from, or null
   */
  public record Disks(
      List<String> types,
      String rootFsType,
      Long sizeBytes,
      List<String> kernelArgs,
      String directory,
      Long sourceDateEpoch,
      Long minRootBytes,
      List<ConfigUser> users,
      List<String> verifyFirmwares,
      DeployOptions.Origin origin) {
    public Disks {
      types = List.copyOf(types);
      kernelArgs = List.copyOf(kernelArgs);
      users = users == null ? List.of() : List.copyOf(users);
      verifyFirmwares = verifyFirmwares == null ? List.of() : List.copyOf(verifyFirmwares);
    }

    public Disks(
        List<String> types,
        String rootFsType,
        Long sizeBytes,
        List<String> kernelArgs,
        String directory,
        Long sourceDateEpoch) {
      this(types, rootFsType, sizeBytes, kernelArgs, directory, sourceDateEpoch, null, List.of(),
          List.of(), null);
    }

    /** The users as the deploy step takes them. */
    List<DeployOptions.User> deployUsers() {
      return users.stream()
          .map(u -> new DeployOptions.User(u.name(), u.password(), u.keys(), u.groups()))
          .toList();
    }
  }

  /** The firmwares a disk of this architecture boots with. */
  public static List<String> firmwares(String arch) {
    return arch.equals("amd64") ? List.of("uefi", "bios") : List.of("uefi");
  }

  /** Adds extract and ostree-commit for an image; returns the tree and commit step names. */
  public static String[] addImage(
      PlanBuilder plan, String image, String digest, boolean tlsVerify, String arch, Long epoch) {
    String tree = plan.add(ExtractStage.ID, new ExtractOptions(image, digest, tlsVerify), Map.of());
    String commit =
        plan.add(
            OstreeCommitStage.ID,
            new OstreeCommitOptions(
                "debforge/" + ComposePlan.ostreeArch(arch),
                digest.substring(digest.indexOf(':') + 1, digest.indexOf(':') + 13),
                "debforge build of " + image,
                epoch,
                // The extracted tree is the image as read, and no debforge step archives it:
                // the repository may take its files as they are.
                true),
            Map.of("tree", tree));
    return new String[] {tree, commit};
  }

  /** Adds the disk steps reading a tree and a commit, with debforge's own types only. */
  public static void addDisks(
      PlanBuilder plan,
      String tree,
      String commit,
      String arch,
      String osName,
      Disks disks,
      Host host) {
    addDisks(plan, tree, commit, arch, osName, disks, host, Pipeline.BUILTIN, tree);
  }

  /**
   * Adds the disk steps reading a tree and a commit, with the stages {@code pipeline} contributes
   * after deploy and after the raw disk, and each output type's stage reading its input.
   *
   * @param imageTree the image's whole tree, as committed, which output types reading the tree
   *     get
   */
  public static void addDisks(
      PlanBuilder plan,
      String tree,
      String commit,
      String arch,
      String osName,
      Disks disks,
      Host host,
      Pipeline pipeline,
      String imageTree) {
    // Every UUID of the disk derives from this seed, so the deploy step can name the file systems
    // the partition step makes later, and a rebuild of the same image gives the same UUIDs.
    String seed =
        Keys.sha256(
            plan.key(commit) + "|" + disks.rootFsType() + "|" + disks.sizeBytes() + "|" + arch);
    BuildIds ids = new BuildIds(seed);
    String rootUuid = ids.uuid("fs:root").toString();
    String bootUuid = ids.uuid("fs:boot").toString();
    String esp = ids.fatVolumeId("fs:esp");
    String deploy =
        plan.add(
            DeployStage.ID,
            new DeployOptions(
                osName,
                disks.kernelArgs(),
                rootUuid,
                bootUuid,
                esp.substring(0, 4) + "-" + esp.substring(4),
                disks.rootFsType(),
                disks.deployUsers(),
                disks.origin()),
            Map.of("commit", commit, "tree", tree));
    String deployed = pipeline.at(plan, Anchor.AFTER_DEPLOY, deploy);
    List<String> firmwares = firmwares(arch);
    String bootloader =
        plan.add(
            BootloaderStage.ID,
            new BootloaderOptions(bootUuid, firmwares, 1),
            Map.of("sysroot", deployed, "tree", tree));
    Map<String, String> partitionInputs = new HashMap<>();
    partitionInputs.put("sysroot", deployed);
    partitionInputs.put("bootloader", bootloader);
    if (disks.rootFsType().equals("xfs")) {
      partitionInputs.put(
          "tools",
          plan.add(
              ToolsStage.ID,
              new ToolsOptions(
                  XFS_TOOLS_SUITE,
                  host.architecture(),
                  AptSources.lines(XFS_TOOLS_SUITE, List.of("main"), null, host.archiveUris()),
                  List.of("xfsprogs"),
                  // sid's Release files expire within a week: a mirror snapshot would be refused.
                  // Signatures are still checked.
                  List.of("Acquire::Check-Valid-Until \"false\"")),
              Map.of()));
    }
    String partition =
        plan.add(
            PartitionStage.ID,
            new PartitionOptions(
                seed,
                disks.rootFsType(),
                disks.sizeBytes(),
                firmwares,
                disks.sourceDateEpoch(),
                disks.minRootBytes()),
            partitionInputs);
    String disk = pipeline.at(plan, Anchor.AFTER_DISK, partition);
    // A disk that does not boot is not converted: each firmware's boot comes first.
    List<String> boots = new ArrayList<>();
    for (String firmware : disks.verifyFirmwares()) {
      boots.add(plan.add(
          VerifyStage.ID + "-" + firmware,
          VerifyStage.ID,
          new VerifyOptions(firmware, RAW_DISK_FILE, "raw", null, null, null, List.of()),
          Map.of("disk", disk)));
    }
    plan.holdBackUntil(boots);
    Map<OutputType.Input, String> sources =
        Map.of(
            OutputType.Input.TREE, imageTree,
            OutputType.Input.COMMIT, commit,
            OutputType.Input.DEPLOYMENT, deployed,
            OutputType.Input.RAW_DISK, disk);
    for (String type : disks.types()) {
      Pipeline.Output output = pipeline.output(type, arch);
      Optional<DiskType> direct = builtin(output).filter(DiskType::direct);
      if (rawCopy(output) || direct.isPresent()) {
        // raw and ami are the disk itself, and qemu-img writes qcow2 as fast as a copy:
        // published from the disk step, not stored first.
        plan.addUncached(
            PublishDiskStage.ID + "-" + output.id(),
            PublishDiskStage.ID,
            new PublishDiskOptions(
                disks.directory(), output.id(), output.directory(), output.fileName(),
                sparse(output), direct.map(DiskType::id).orElse(null)),
            Map.of("disk", disk));
        continue;
      }
      Map<String, String> inputs = new HashMap<>();
      inputs.put(output.input().role(), sources.get(output.input()));
      for (OutputType.SharedInput shared : output.shared()) {
        // Named by the type and role; keyed by stage and options alone, so builds share it.
        inputs.put(shared.role(), plan.add(
            output.id() + "-" + shared.role(), shared.stage(), shared.options(), Map.of()));
      }
      String made =
          plan.add(output.stage() + "-" + output.id(), output.stage(), output.options(), inputs);
      plan.addUncached(
          PublishDiskStage.ID + "-" + output.id(),
          PublishDiskStage.ID,
          new PublishDiskOptions(
              disks.directory(), output.id(), output.directory(), output.fileName(),
              sparse(output)),
          Map.of("disk", made));
    }
  }

  /** Whether an output is one of debforge's disks whose file is the disk at its full size. */
  private static boolean sparse(Pipeline.Output output) {
    return builtin(output).map(DiskType::sparse).orElse(false);
  }

  /** Whether an output is one of debforge's disks whose file is the raw disk as it is. */
  private static boolean rawCopy(Pipeline.Output output) {
    return builtin(output).map(t -> t.format() == QemuImg.Format.RAW).orElse(false)
        && output.fileName().equals(RAW_DISK_FILE);
  }

  /** The disk type of an output made by debforge's convert stage; empty for a plugin's. */
  private static Optional<DiskType> builtin(Pipeline.Output output) {
    return output.stage().equals(ConvertStage.ID) ? DiskType.find(output.id()) : Optional.empty();
  }
}
