package dev.debforge.stage.extract;

import dev.debforge.plugin.BadInputException;
import dev.debforge.stage.initramfs.InitramfsStage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Map;

/**
 * The checks that an unpacked image keeps the Debian bootc image contract (DESIGN.md §3), each
 * failing with a message that names what is missing and a hint that names the fix.
 */
final class BootcContract {

  static final String MODULES = "usr/lib/modules";

  /** GRUB's module directories per Debian architecture, with the package that ships each. */
  static final Map<String, List<GrubTarget>> GRUB_TARGETS =
      Map.of(
          "amd64",
          List.of(
              new GrubTarget("usr/lib/grub/x86_64-efi", "grub-efi-amd64-bin"),
              new GrubTarget("usr/lib/grub/i386-pc", "grub-pc-bin")),
          "arm64",
          List.of(new GrubTarget("usr/lib/grub/arm64-efi", "grub-efi-arm64-bin")));

  record GrubTarget(String dir, String debianPackage) {}

  private BootcContract() {}

  /**
   * The version of the image's one kernel: the one directory of {@code /usr/lib/modules} that
   * holds a {@code vmlinuz}, which must also hold {@code initramfs.img}.
   */
  static String kernel(Path root) throws IOException, BadInputException {
    Path modules = root.resolve(MODULES);
    List<String> kernels = new ArrayList<>();
    if (Files.isDirectory(modules, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(modules)) {
        for (Path dir : dirs) {
          if (Files.isRegularFile(dir.resolve("vmlinuz"), LinkOption.NOFOLLOW_LINKS)) {
            kernels.add(dir.getFileName().toString());
          }
        }
      }
    }
    kernels.sort(null);
    if (kernels.isEmpty()) {
      throw new BadInputException(
          "the image has no kernel: no /usr/lib/modules/*/vmlinuz",
          "install a linux-image package and copy its /boot/vmlinuz-KVER to"
              + " /usr/lib/modules/KVER/vmlinuz, as `debforge compose` does");
    }
    if (kernels.size() > 1) {
      throw new BadInputException(
          "the image has " + kernels.size() + " kernels " + kernels
              + "; a bootable image needs exactly one",
          "remove all but one linux-image package from the image");
    }
    String kver = kernels.get(0);
    if (!Files.isRegularFile(
        modules.resolve(kver).resolve("initramfs.img"), LinkOption.NOFOLLOW_LINKS)) {
      throw new BadInputException(
          "the image has no initramfs for kernel " + kver + ": no /usr/lib/modules/" + kver
              + "/initramfs.img",
          "build it in the image with `dracut --no-hostonly --add ostree --kver " + kver
              + " /usr/lib/modules/" + kver + "/initramfs.img` (needs ostree-boot)");
    }
    return kver;
  }

  /** The image must carry ostree, which the installed system updates itself with. */
  static void requireOstree(Path root) throws BadInputException {
    if (!Files.exists(root.resolve("usr/bin/ostree"), LinkOption.NOFOLLOW_LINKS)) {
      throw new BadInputException(
          "the image has no /usr/bin/ostree", "install the ostree and ostree-boot packages");
    }
  }

  /** The image must carry GRUB's module directories for its architecture. */
  static void requireGrub(Path root, String debianArchitecture) throws BadInputException {
    List<GrubTarget> targets = GRUB_TARGETS.get(debianArchitecture);
    if (targets == null) {
      throw new BadInputException(
          "debforge has no bootloader for architecture " + debianArchitecture,
          "build for amd64 or arm64");
    }
    List<String> missing = new ArrayList<>();
    List<String> packages = new ArrayList<>();
    for (GrubTarget target : targets) {
      if (!Files.isDirectory(root.resolve(target.dir()), LinkOption.NOFOLLOW_LINKS)) {
        missing.add("/" + target.dir());
        packages.add(target.debianPackage());
      }
    }
    if (!missing.isEmpty()) {
      throw new BadInputException(
          "the image has no GRUB modules at " + String.join(", ", missing),
          "install " + String.join(" ", packages)
              + " in the image; the disk's bootloader is built from the image's GRUB");
    }
  }

  /** The initramfs, as {@code lsinitrd} lists it, must be able to pivot into a deployment. */
  static void requireOstreeInitramfs(String kver, String lsinitrdListing)
      throws BadInputException {
    requireOstreeInitramfs(kver, InitramfsStage.missingFrom(lsinitrdListing));
  }

  /** The initramfs, with these paths in it, must be able to pivot into a deployment. */
  static void requireOstreeInitramfs(String kver, Set<String> paths) throws BadInputException {
    requireOstreeInitramfs(kver, InitramfsStage.missingFrom(paths));
  }

  private static void requireOstreeInitramfs(String kver, List<String> missing)
      throws BadInputException {
    if (!missing.isEmpty()) {
      throw new BadInputException(
          "the initramfs of kernel " + kver + " lacks " + String.join(", ", missing),
          "install ostree-boot in the image and rebuild the initramfs with dracut's ostree"
              + " module (--add ostree)");
    }
  }
}
