package dev.debforge.stage.hook;

import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.plugin.ToolRunner;
import dev.debforge.recipe.Packages;
import dev.debforge.stage.configure.Accounts;
import dev.debforge.stage.configure.ConfigureOptions.GroupSpec;
import dev.debforge.stage.configure.ConfigureOptions.UserSpec;
import dev.debforge.stage.configure.ShadowTools;
import dev.debforge.stage.debootstrap.DpkgStatus;
import dev.debforge.stage.packages.BootPackages;
import dev.debforge.stage.hook.HookRequests.OwnerRequest;
import dev.debforge.stage.hook.HookRequests.UserRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Applies in the parent stage what a hook asked for and its sandbox could not do: packages with
 * the image's own apt (in a chroot, as the initramfs stage runs dracut), groups and users with
 * the host's shadow tools and owners from the image's own account files (as the configure stage
 * does), units with {@code systemctl --root}, and kernel arguments as a kargs.d file.
 */
final class HookChanges {

  static final Duration APT_TIMEOUT = Duration.ofMinutes(30);
  static final Duration TOOL_TIMEOUT = Duration.ofMinutes(5);
  static final String KARGS_DIR = "usr/lib/bootc/kargs.d";
  private static final Map<String, String> APT_ENV =
      Map.of("DEBIAN_FRONTEND", "noninteractive", "INITRD", "No");

  private HookChanges() {}

  /** Applies the requests to the tree at {@code root}, reporting each step. */
  static void apply(ToolRunner tools, Path root, String hook, HookRequests requests,
      Consumer<String> progress) throws IOException, ToolException, BadInputException {
    if (!requests.install().isEmpty() || !requests.remove().isEmpty()) {
      refuseKept(hook, requests.remove());
      progress.accept("hook " + hook + ": apt " + requests.install() + " − " + requests.remove());
      Map<String, String> before = DpkgStatus.installed(root);
      try (HostResolver resolver = HostResolver.lend(root);
          HostCertificates certificates = HostCertificates.lend(root, HostCertificates.HOST)) {
        for (ToolCall call : apt(root, requests.install(), requests.remove())) {
          tools.run(call);
        }
      }
      Map<String, String> after = DpkgStatus.installed(root);
      List<String> removed = DpkgStatus.removed(before, after);
      if (!removed.isEmpty()) {
        progress.accept("hook " + hook + ": apt removed " + String.join(", ", removed));
      }
      BootPackages.refuseLost("hook " + hook, requests.install(), requests.remove(),
          BootPackages.lost(before, after, Packages.KEPT));
    }
    for (String group : requests.groups()) {
      tools.run(call(ShadowTools.groupadd(root, new GroupSpec(group, null))));
    }
    for (UserRequest user : requests.users()) {
      progress.accept("hook " + hook + ": user " + user.name());
      boolean exists = Accounts.read(root).hasUser(user.name());
      UserSpec spec = new UserSpec(user.name(), user.groups(), null, List.of(), null, null);
      for (List<String> argv : ShadowTools.user(root, spec, exists)) {
        tools.run(call(argv));
      }
    }
    if (!requests.owners().isEmpty()) {
      ImageTree tree = new ImageTree(root);
      Accounts accounts = Accounts.read(root);
      for (OwnerRequest owner : requests.owners()) {
        chown(tree, accounts, hook, owner);
      }
    }
    for (String unit : requests.enable()) {
      tools.run(call(systemctl(root, "enable", unit)));
    }
    for (String unit : requests.disable()) {
      tools.run(call(systemctl(root, "disable", unit)));
    }
    if (!requests.kernelArgs().isEmpty()) {
      Path file = root.resolve(KARGS_DIR).resolve(kargsFileName(hook));
      Files.createDirectories(file.getParent());
      Files.writeString(file, kargsToml(hook, requests.kernelArgs()));
    }
  }

  /** Refuses a hook's removal of what every image boots with ({@link Packages#KEPT}). */
  static void refuseKept(String hook, List<String> remove) throws BadInputException {
    List<String> named = BootPackages.named(remove, Packages.KEPT);
    if (!named.isEmpty()) {
      throw new BadInputException("hook " + hook + ": removePackage(" + String.join(", ", named)
          + ") asks for what makes the image bootable",
          "every image keeps a kernel and " + String.join(", ", Packages.KEPT));
    }
  }

  /** apt-get in the image: refresh the lists, install, purge, then drop the downloads again. */
  static List<ToolCall> apt(Path root, List<String> install, List<String> remove) {
    List<ToolCall> calls = new ArrayList<>();
    calls.add(aptGet(root, List.of("update")));
    if (!install.isEmpty()) {
      List<String> args = new ArrayList<>(List.of("install", "--yes", "--no-install-recommends"));
      args.addAll(install);
      calls.add(aptGet(root, args));
    }
    if (!remove.isEmpty()) {
      List<String> args = new ArrayList<>(List.of("purge", "--yes", "--auto-remove"));
      args.addAll(remove);
      calls.add(aptGet(root, args));
    }
    calls.add(aptGet(root, List.of("clean")));
    return calls;
  }

  private static ToolCall aptGet(Path root, List<String> args) {
    List<String> argv = new ArrayList<>(List.of("chroot", root.toString(), "apt-get"));
    argv.addAll(args);
    return ToolCall.of(argv, APT_TIMEOUT).withEnvironment(APT_ENV);
  }

  static List<String> systemctl(Path root, String verb, String unit) {
    return List.of("systemctl", "--root=" + root, verb, unit);
  }

  static String kargsFileName(String hook) {
    return "50-hook-" + hook + ".toml";
  }

  /** The kargs.d TOML that bootc reads: {@code kargs = ["a", "b"]}. */
  static String kargsToml(String hook, List<String> args) {
    List<String> quoted = new ArrayList<>();
    for (String arg : args) {
      quoted.add('"' + arg.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
    }
    return "# Written by debforge from the recipe's hook " + hook + ".\nkargs = ["
        + String.join(", ", quoted) + "]\n";
  }

  private static void chown(ImageTree tree, Accounts accounts, String hook, OwnerRequest owner)
      throws IOException, BadInputException {
    int[] ids;
    try {
      ids = accounts.resolveOwner(owner.owner(), owner.path());
    } catch (BadInputException e) {
      throw new BadInputException(
          "hook " + hook + ": chown " + owner.owner() + " " + owner.path()
              + ": the image has no such user or group",
          "add it in the hook (api.addUser, api.addGroup) or in the recipe, or use numbers");
    }
    Path target;
    try {
      target = tree.resolveNoFollow(owner.path());
    } catch (HookApiException e) {
      throw new BadInputException("hook " + hook + ": chown " + e.getMessage(), null);
    }
    Files.setAttribute(target, "unix:uid", ids[0], LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(target, "unix:gid", ids[1], LinkOption.NOFOLLOW_LINKS);
  }

  private static ToolCall call(List<String> argv) {
    return ToolCall.of(argv, TOOL_TIMEOUT);
  }

  /**
   * The build host's CA certificates, lent to an image that has none while its apt downloads: an
   * image without the ca-certificates package (a minbase one) has apt's https support but no
   * certificate to check a server's with, so an https mirror (deb.debian.org, the snapshot
   * service) would be refused. Only what was added is taken away again: the file, and the
   * directories made for it.
   */
  static final class HostCertificates implements AutoCloseable {
    /** Where Debian's ca-certificates puts the bundle, and where apt's GnuTLS looks for it. */
    static final String BUNDLE = "etc/ssl/certs/ca-certificates.crt";
    static final Path HOST = Path.of("/").resolve(BUNDLE);

    private final List<Path> added;

    private HostCertificates(List<Path> added) {
      this.added = added;
    }

    static HostCertificates lend(Path root, Path host) throws IOException {
      Path file = root.resolve(BUNDLE);
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) || !Files.isReadable(host)) {
        return new HostCertificates(List.of());
      }
      List<Path> added = new ArrayList<>();
      for (Path dir = file.getParent(); !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
          dir = dir.getParent()) {
        added.add(0, dir);
      }
      for (Path dir : added) {
        Files.createDirectory(dir);
      }
      Files.copy(host, file);
      added.add(file);
      return new HostCertificates(added);
    }

    @Override
    public void close() throws IOException {
      for (int i = added.size() - 1; i >= 0; i--) {
        Files.deleteIfExists(added.get(i));
      }
    }
  }

  /**
   * The build host's {@code /etc/resolv.conf}, lent to the image while its apt downloads: an
   * image's own file is usually a link into /run, which is empty in a chroot. The image's file
   * is put back afterwards.
   */
  static final class HostResolver implements AutoCloseable {
    private final Path file;
    private final Path saved;

    private HostResolver(Path file, Path saved) {
      this.file = file;
      this.saved = saved;
    }

    static HostResolver lend(Path root) throws IOException {
      Path file = root.resolve("etc/resolv.conf");
      Path saved = root.resolve("etc/resolv.conf.debforge-hook");
      Files.createDirectories(file.getParent());
      boolean had = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
      if (had) {
        Files.move(file, saved, StandardCopyOption.REPLACE_EXISTING);
      }
      Path host = Path.of("/etc/resolv.conf");
      if (Files.isReadable(host)) {
        Files.copy(host, file, StandardCopyOption.REPLACE_EXISTING);
      }
      return new HostResolver(file, had ? saved : null);
    }

    @Override
    public void close() throws IOException {
      Files.deleteIfExists(file);
      if (saved != null) {
        Files.move(saved, file);
      }
    }
  }
}
