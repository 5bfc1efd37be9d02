package dev.debforge.cli;

import dev.debforge.plan.BuildRequest;
import dev.debforge.process.HostTools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code debforge build IMAGE}: a bootable container image becomes disk images. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = {
      "Make bootable disks from a bootc image.",
      "Steps: extract, ostree-commit, deploy, bootloader, partition, convert, publish-disk.",
      "GRUB boots them with BIOS and UEFI (UEFI only on arm64). No loop devices, mounts or",
      "privileged containers are used."
    })
final class BuildCommand implements Callable<Integer> {

  /** The host tools a disk build runs. */
  static final List<String> TOOLS =
      List.of(
          "skopeo", "ostree", "setpriv", "cp", "tar", "sfdisk", "mkfs.ext4", "debugfs",
          "mkfs.vfat", "mcopy", "qemu-img", "grub-mkimage", "setfattr", "chroot");

  @Parameters(
      paramLabel = "IMAGE",
      description = "oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE, "
          + "containers-storage:REF or docker://REF.")
  String image;

  @Option(names = "--arch", paramLabel = "ARCH[,ARCH]", description = {
      "amd64, arm64, or both as amd64,arm64 (default: this machine's). From a",
      "multi-architecture image, the image of that architecture is taken; with more than one,",
      "each architecture's disks go to DIR/ARCH."})
  String arch;

  @Mixin DiskOptions disks = new DiskOptions();
  @Mixin BuildTimeOptions buildTime = new BuildTimeOptions();
  @Mixin RegistryOptions registry = new RegistryOptions();
  @Mixin GlobalOptions global = new GlobalOptions();
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<String> archs = Requests.checkedArchs(arch);
    if (archs == null) {
      archs = List.of(HostTools.architecture());
    }
    List<BuildRequest> requests = new ArrayList<>();
    for (String architecture : archs) {
      requests.add(Requests.build(image, architecture, disks, buildTime, registry));
    }
    checkLocalOutput(global, disks);
    requireTools(global, TOOLS);
    for (int i = 0; i < archs.size(); i++) {
      requireRequestTools(global, requests.get(i), archs.get(i));
      Requests.checkLocally(global, requests.get(i), null, spec.commandLine().getErr());
    }
    return new BuildRunner(global, spec.commandLine().getOut(), spec.commandLine().getErr())
        .run(requests, "build");
  }

  /** The tools the request's options add: qemu for --verify, mmdebstrap for an XFS root. */
  static void requireRequestTools(GlobalOptions global, BuildRequest request, String architecture) {
    List<String> tools = new ArrayList<>();
    if (!request.verifyFirmwares().isEmpty()) {
      tools.add(qemuFor(architecture));
    }
    if ("xfs".equals(request.rootFsType())) {
      tools.add("mmdebstrap");
    }
    requireTools(global, tools);
  }

  /** The qemu that boots a disk of the architecture. */
  static String qemuFor(String architecture) {
    return architecture.equals("arm64") ? "qemu-system-aarch64" : "qemu-system-x86_64";
  }

  /** With the embedded engine, the disks are written here: check that they can be. */
  static void checkLocalOutput(GlobalOptions global, DiskOptions disks) {
    if (global.temporal == null) {
      Requests.checkOutputDirectory("--output", Path.of(disks.output));
      global.openStore();
    }
  }

  /** With the embedded engine, the tools run here: check them before any work starts. */
  static void requireTools(GlobalOptions global, List<String> tools) {
    if (global.temporal != null) {
      return;
    }
    try {
      HostTools.require(tools);
    } catch (HostTools.MissingToolsException e) {
      throw new UserError(e.getMessage());
    }
  }
}
