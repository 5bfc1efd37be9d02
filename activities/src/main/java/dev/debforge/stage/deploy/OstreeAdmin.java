package dev.debforge.stage.deploy;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Command lines that make an OSTree sysroot in a directory and deploy a commit into it. */
final class OstreeAdmin {

  static final Duration TIMEOUT = Duration.ofMinutes(30);

  private OstreeAdmin() {}

  /** Creates an empty sysroot ({@code boot/} and {@code ostree/}) in an existing directory. */
  static ToolCall initFs(Path sysroot) {
    return call("ostree", "admin", "init-fs", "--modern", sysroot.toString());
  }

  /**
   * Tells ostree that no bootloader is to be updated: debforge writes GRUB's configuration from
   * the entries itself, since Debian's GRUB cannot read them.
   */
  static ToolCall noBootloader(Path sysroot) {
    return call(
        "ostree", "--repo=" + repo(sysroot), "config", "set", "sysroot.bootloader", "none");
  }

  /**
   * Hands the booted system's deployment changes to GRUB: with {@code grub2}, ostree regenerates
   * the menu on every deployment change by running {@code OSTREE_GRUB2_EXEC} (debforge's menu
   * script on /boot, see {@link UpdateSetup}). Set once the disk's own deployment is made.
   */
  static ToolCall grubBootloader(Path sysroot) {
    return call(
        "ostree", "--repo=" + repo(sysroot), "config", "set", "sysroot.bootloader", "grub2");
  }

  /** Copies a commit, with its objects, from the commit stage's repository. */
  static ToolCall pullLocal(Path sysroot, Path sourceRepo, String commit) {
    return call("ostree", "--repo=" + repo(sysroot), "pull-local", sourceRepo.toString(), commit);
  }

  /**
   * Adds the remote the disk's system updates from, without GPG verification: the repository
   * is unsigned.
   */
  static ToolCall remoteAdd(Path sysroot, String url, String ref) {
    return call(
        "ostree", "--repo=" + repo(sysroot), "remote", "add", "--no-gpg-verify",
        DeployOptions.Origin.REMOTE, url, ref);
  }

  /**
   * Adds the remote the disk's system updates from, signed: the public key in {@code keyFile}
   * goes into the remote's keyring ({@code ostree/repo/debforge.trustedkeys.gpg}), and every
   * pull checks the commit's and the summary's signatures against it.
   */
  static ToolCall remoteAdd(Path sysroot, String url, String ref, Path keyFile) {
    return call(
        "ostree", "--repo=" + repo(sysroot), "remote", "add", "--gpg-import=" + keyFile,
        "--set=gpg-verify=true", "--set=gpg-verify-summary=true",
        DeployOptions.Origin.REMOTE, url, ref);
  }

  /**
   * Points the remote's ref at the deployed commit, as a pull of it would have, so that the
   * deployment's refspec resolves before the system first pulls.
   */
  static ToolCall createRef(Path sysroot, String refspec, String commit) {
    return call("ostree", "--repo=" + repo(sysroot), "refs", "--create=" + refspec, commit);
  }

  /** Creates the stateroot {@code ostree/deploy/OS}. */
  static ToolCall osInit(Path sysroot, String os) {
    return call("ostree", "admin", "os-init", "--sysroot=" + sysroot, os);
  }

  /**
   * Deploys the commit. Every argument goes in with {@code --karg-append}, which keeps the
   * command line as given: {@code --karg} replaces an earlier argument of the same name, which
   * would drop all but the last of {@code console=tty0 console=ttyS0}.
   *
   * <p>It runs without CAP_SYS_ADMIN, because ostree freezes the file system that holds
   * {@code boot/} (FIFREEZE), which here is the build host's own; without the capability the
   * ioctl fails with EPERM and ostree falls back to {@code syncfs}.
   */
  static ToolCall deploy(Path sysroot, String os, List<String> kargs, String commit) {
    return deploy(sysroot, os, kargs, commit, null);
  }

  /**
   * Deploys the commit as {@link #deploy(Path, String, List, String)} does; with an origin file
   * the deployment's origin is a copy of it instead of {@code refspec=COMMIT}.
   */
  static ToolCall deploy(
      Path sysroot, String os, List<String> kargs, String commit, Path originFile) {
    List<String> argv = new ArrayList<>();
    argv.add("setpriv");
    argv.add("--bounding-set=-sys_admin");
    argv.add("--inh-caps=-sys_admin");
    argv.add("ostree");
    argv.add("admin");
    argv.add("deploy");
    argv.add("--sysroot=" + sysroot);
    argv.add("--os=" + os);
    if (originFile != null) {
      argv.add("--origin-file=" + originFile);
    }
    for (String karg : kargs) {
      argv.add("--karg-append=" + karg);
    }
    argv.add(commit);
    return ToolCall.of(argv, TIMEOUT);
  }

  /**
   * Seeds the stateroot's /var from the deployment's, keeping owners, modes and xattrs: ostree
   * 2022.7 leaves it empty, and the image's dpkg database and root's home live there. Entries
   * ostree already made (such as {@code var/lock}) are replaced by the image's.
   */
  static ToolCall seedVar(Path deploymentVar, Path stateVar) {
    return call(
        "cp",
        "-a",
        "--remove-destination",
        "--no-target-directory",
        deploymentVar.toString(),
        stateVar.toString());
  }

  static Path repo(Path sysroot) {
    return sysroot.resolve("ostree/repo");
  }

  private static ToolCall call(String... argv) {
    return ToolCall.of(List.of(argv), TIMEOUT);
  }
}
