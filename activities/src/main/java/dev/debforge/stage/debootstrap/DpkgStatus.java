package dev.debforge.stage.debootstrap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** What a root file system's dpkg database says is installed. */
public final class DpkgStatus {

  private DpkgStatus() {}

  /** The installed packages of {@code root}'s dpkg database ({@code name:arch}) and versions. */
  public static Map<String, String> installed(Path root) throws IOException {
    Map<String, String> installed = new TreeMap<>();
    Path status = root.resolve("var/lib/dpkg/status");
    if (!Files.isRegularFile(status)) {
      return installed;
    }
    String name = null;
    String arch = null;
    String version = null;
    boolean ok = false;
    for (String line : Files.readAllLines(status)) {
      if (line.isEmpty()) {
        if (ok && name != null) {
          installed.put(name + ":" + arch, version);
        }
        name = arch = version = null;
        ok = false;
      } else if (line.startsWith("Package: ")) {
        name = line.substring(9).strip();
      } else if (line.startsWith("Architecture: ")) {
        arch = line.substring(14).strip();
      } else if (line.startsWith("Version: ")) {
        version = line.substring(9).strip();
      } else if (line.equals("Status: install ok installed")) {
        ok = true;
      }
    }
    if (ok && name != null) {
      installed.put(name + ":" + arch, version);
    }
    return installed;
  }

  /**
   * The names (without {@code :ARCH}) of the packages {@code before} has and {@code after} has
   * not, sorted: what an apt run removed.
   */
  public static List<String> removed(Map<String, String> before, Map<String, String> after) {
    Set<String> left = new TreeSet<>();
    after.keySet().forEach(key -> left.add(name(key)));
    Set<String> removed = new TreeSet<>();
    before.keySet().stream().map(DpkgStatus::name).filter(name -> !left.contains(name))
        .forEach(removed::add);
    return List.copyOf(removed);
  }

  private static String name(String key) {
    int colon = key.indexOf(':');
    return colon < 0 ? key : key.substring(0, colon);
  }
}
