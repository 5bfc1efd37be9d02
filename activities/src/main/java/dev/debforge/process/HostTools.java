package dev.debforge.process;

import java.io.File;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The host tools a command needs, found before any work starts, with the Debian package that
 * provides each so that a missing one comes with the line that installs it.
 */
public final class HostTools {

  /** Tool name → Debian package. */
  private static final Map<String, String> PACKAGES = new LinkedHashMap<>();

  static {
    PACKAGES.put("mmdebstrap", "mmdebstrap");
    PACKAGES.put("ostree", "ostree");
    PACKAGES.put("skopeo", "skopeo");
    PACKAGES.put("tar", "tar");
    PACKAGES.put("cp", "coreutils");
    PACKAGES.put("chroot", "coreutils");
    PACKAGES.put("setpriv", "util-linux");
    PACKAGES.put("sfdisk", "fdisk");
    PACKAGES.put("mkfs.ext4", "e2fsprogs");
    PACKAGES.put("debugfs", "e2fsprogs");
    PACKAGES.put("mkfs.xfs", "xfsprogs");
    PACKAGES.put("mkfs.btrfs", "btrfs-progs");
    PACKAGES.put("mkfs.vfat", "dosfstools");
    PACKAGES.put("mcopy", "mtools");
    PACKAGES.put("mksquashfs", "squashfs-tools");
    PACKAGES.put("xorriso", "xorriso");
    PACKAGES.put("qemu-img", "qemu-utils");
    PACKAGES.put("qemu-system-x86_64", "qemu-system-x86");
    PACKAGES.put("qemu-system-aarch64", "qemu-system-arm");
    PACKAGES.put("setfattr", "attr");
    PACKAGES.put("useradd", "passwd");
    PACKAGES.put("systemctl", "systemd");
    PACKAGES.put("gpg", "gpg");
  }

  /** The tools a compose needs on the host. */
  public static final List<String> COMPOSE =
      List.of("mmdebstrap", "ostree", "tar", "cp", "chroot", "useradd", "systemctl");

  private HostTools() {}

  /** The Debian package that provides a tool, or the tool's own name when it is not listed. */
  public static String packageOf(String tool) {
    return PACKAGES.getOrDefault(tool, tool);
  }

  /** Which of the tools cannot be found on PATH. */
  public static List<String> missing(List<String> tools) {
    List<String> missing = new ArrayList<>();
    for (String tool : tools) {
      if (!onPath(tool)) {
        missing.add(tool);
      }
    }
    return missing;
  }

  /** This machine's architecture in Debian's naming ({@code amd64}, {@code arm64}). */
  public static String architecture() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }

  /** This machine's host name, as workers and step logs name it; "localhost" if unknown. */
  public static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /**
   * Checks that every tool is on PATH.
   *
   * @throws MissingToolsException naming the tools and the apt-get line that installs them
   */
  public static void require(List<String> tools) throws MissingToolsException {
    List<String> missing = missing(List.copyOf(new LinkedHashSet<>(tools)));
    if (!missing.isEmpty()) {
      Set<String> packages = new LinkedHashSet<>();
      missing.forEach(tool -> packages.add(packageOf(tool)));
      throw new MissingToolsException(missing, List.copyOf(packages));
    }
  }

  static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    // Root's tools live in sbin; search it even when a user's PATH leaves it out.
    for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
      if (!dir.isEmpty() && new File(dir, tool).canExecute()) {
        return true;
      }
    }
    return false;
  }

  /** Tools missing on the host, with what to run to install them. */
  public static final class MissingToolsException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> tools;
    private final List<String> packages;

    MissingToolsException(List<String> tools, List<String> packages) {
      super(
          "missing host tools: "
              + String.join(", ", tools)
              + "\nHint: install them with: apt-get install -y "
              + String.join(" ", packages));
      this.tools = List.copyOf(tools);
      this.packages = List.copyOf(packages);
    }

    public List<String> tools() {
      return tools;
    }

    public List<String> packages() {
      return packages;
    }
  }
}
