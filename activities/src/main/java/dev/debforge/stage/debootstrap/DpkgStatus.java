package dev.debforge.stage.debootstrap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

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
}
