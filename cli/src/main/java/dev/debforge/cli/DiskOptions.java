package dev.debforge.cli;

import dev.debforge.config.ConfigParser;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plan.DiskPlan;
import dev.debforge.plugin.BadInputException;
import dev.debforge.stage.deploy.DeployOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The options {@code build} and {@code run} share: what disks to make and where. */
final class DiskOptions {

  @Option(
      names = {"-t", "--type"},
      split = ",",
      paramLabel = "TYPE",
      description = "Disk types, comma-separated: qcow2, raw, vmdk, vhd, vhdx, vdi, ova, gce, ami "
          + "and those plugins add, such as iso ('debforge plugins' lists them; default: qcow2).")
  List<String> types = new ArrayList<>();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      defaultValue = "output",
      description = "Directory for the disks, in subdirectories named like bootc-image-builder's:"
          + " qcow2/disk.qcow2, image/disk.raw, vpc/disk.vhd, … (default: ${DEFAULT-VALUE}).")
  String output;

  @Option(
      names = "--rootfs",
      paramLabel = "FS",
      defaultValue = "ext4",
      description = "Root file system: ext4, xfs or btrfs (default: ${DEFAULT-VALUE}). "
          + "xfs uses mkfs.xfs from Debian sid, unpacked once per store.")
  String rootfs;

  @Option(
      names = "--disk-size",
      paramLabel = "SIZE",
      description = "Disk size, like 10G or 8192M (default: the larger of 10 GiB and twice the "
          + "content).")
  String diskSize;

  @Option(
      names = "--karg",
      paramLabel = "ARG",
      description = "A kernel argument added to the image's; repeatable.")
  List<String> kernelArgs = new ArrayList<>();

  @Option(
      names = "--verify",
      arity = "0..1",
      fallbackValue = "all",
      paramLabel = "FIRMWARE",
      description = "Boot the raw disk in QEMU to its login prompt before converting it, as a "
          + "step of the build: with every firmware it supports (uefi, and bios on amd64), or "
          + "only the one named (--verify=bios). A disk that does not boot fails the build.")
  String verify;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Users, kernel arguments and sizes: bootc-image-builder's customizations in "
          + "a .toml, .json or .yaml file (see docs/config.md).")
  Path config;

  @Option(
      names = "--origin",
      paramLabel = "URL",
      description = "Where the disk's system updates from: an OSTree repository (http://, "
          + "https:// or file:///), added as the remote 'debforge' (without GPG verification "
          + "unless --origin-gpg-key is given), whose debforge:REF the deployment follows; or a "
          + "bootable container image (docker://HOST/NAME:TAG, …), whose tag the updater "
          + "follows (see docs/updates.md).")
  String origin;

  @Option(
      names = "--origin-gpg-key",
      paramLabel = "FILE",
      description = "The public GPG key --origin is signed with (compose --ostree-gpg-sign), "
          + "ASCII-armored or binary (gpg --export [--armor] KEYID): the remote gets it and "
          + "verifies the commits and the summary it pulls (gpg-verify and gpg-verify-summary).")
  Path originGpgKey;

  @Option(
      names = "--origin-ref",
      paramLabel = "REF",
      description = "The branch of --origin to follow (default: the ref compose --ostree-repo "
          + "publishes the image on, debian/SUITE/ARCH with ARCH as OSTree names it: x86_64, "
          + "aarch64; for build, from the image's os-release ID and VERSION_CODENAME).")
  String originRef;

  /** The request with the repository its disks update from, as {@code --origin} asks. */
  BuildRequest applyOrigin(BuildRequest request) {
    if (origin == null) {
      if (originRef != null || originGpgKey != null) {
        throw new UserError((originRef != null ? "--origin-ref" : "--origin-gpg-key")
            + " needs --origin\nHint: give the repository's URL with --origin URL");
      }
      return request;
    }
    String key = null;
    try {
      DeployOptions.Origin.checkUrl("--origin", origin);
      if (DeployOptions.Origin.isImage(origin) && (originRef != null || originGpgKey != null)) {
        throw new UserError((originRef != null ? "--origin-ref" : "--origin-gpg-key")
            + " is for an OSTree repository; --origin " + origin + " is an image, whose tag"
            + " the disk follows\nHint: drop "
            + (originRef != null ? "--origin-ref" : "--origin-gpg-key"));
      }
      if (originRef != null) {
        DeployOptions.Origin.checkRef("--origin-ref", originRef);
      }
      if (originGpgKey != null) {
        key = Base64.getEncoder().encodeToString(readKey(originGpgKey));
      }
    } catch (BadInputException e) {
      throw new UserError(e.getMessage());
    }
    return request.withOrigin(new DeployOptions.Origin(origin, originRef, key));
  }

  /** A public key is a few KiB; the file travels in the build's request, so it is bounded. */
  private static final long MAX_KEY_BYTES = 1 << 20;

  /** The key file's bytes, checked to hold an OpenPGP public key. */
  static byte[] readKey(Path file) throws BadInputException {
    String what = "--origin-gpg-key " + file;
    String hint = "name the public key file: gpg --export --armor KEYID > key.asc";
    byte[] key;
    try {
      if (!Files.isRegularFile(file)) {
        throw new BadInputException(
            what + (Files.exists(file) ? " is not a file" : " does not exist"), hint);
      }
      if (Files.size(file) > MAX_KEY_BYTES) {
        throw new BadInputException(
            what + " is larger than 1 MiB; a public key file is a few KiB", hint);
      }
      key = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BadInputException(what + " cannot be read: " + e.getMessage(), hint);
    }
    DeployOptions.Origin.checkGpgKey(what, key);
    return key;
  }

  /** The request with its disk boot checks, as {@code --verify} asks. */
  BuildRequest applyVerify(BuildRequest request) {
    if (verify == null) {
      return request;
    }
    List<String> supported = DiskPlan.firmwares(request.architecture());
    if (verify.equals("all")) {
      return request.withVerify(supported);
    }
    if (!List.of("uefi", "bios").contains(verify)) {
      throw new UserError("--verify " + verify + " is not a firmware\nHint: use --verify, "
          + "--verify=uefi or --verify=bios");
    }
    return request.withVerify(List.of(verify));
  }

  /** The request with the {@code --config} file applied, read here so its errors exit with 2. */
  BuildRequest applyConfig(BuildRequest request) {
    if (config == null) {
      return request;
    }
    try {
      return request.withConfig(ConfigParser.parse(config));
    } catch (BadInputException e) {
      throw new UserError(e.getMessage());
    }
  }

  /**
   * The types asked for (qcow2 when none), in order, a repeated one once. Which types exist is
   * up to the worker's plugins: {@link Requests#checkLocally} checks them against this process's
   * when the build runs here, and the planner on the worker otherwise.
   */
  List<String> types() {
    List<String> asked = types.isEmpty() ? List.of("qcow2") : types;
    return asked.stream().map(t -> t.strip().toLowerCase(Locale.ROOT)).distinct().toList();
  }

  String rootfs() {
    if (!List.of("ext4", "xfs", "btrfs").contains(rootfs)) {
      throw new UserError(
          "--rootfs " + rootfs + " is not supported\nHint: use ext4, xfs or btrfs");
    }
    return rootfs;
  }

  Long sizeBytes() {
    if (diskSize == null) {
      return null;
    }
    return parseSize(diskSize);
  }

  static long parseSize(String text) {
    String t = text.replace(" ", "").toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
    long unit = 1;
    char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
    switch (last) {
      case 'K' -> unit = 1L << 10;
      case 'M' -> unit = 1L << 20;
      case 'G' -> unit = 1L << 30;
      case 'T' -> unit = 1L << 40;
      default -> unit = 1;
    }
    String number = unit == 1 ? t : t.substring(0, t.length() - 1);
    try {
      long value = Long.parseLong(number);
      if (value <= 0) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(value, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new UserError(
          "--disk-size " + text + " is not a size\nHint: write it like 10G, 8192M or 10737418240");
    }
  }
}
