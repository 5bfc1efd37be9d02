package dev.debforge.stage.debootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DpkgStatusTest {

  @TempDir Path root;

  @Test
  void installedPackagesAreReadWithTheirArchitectureAndVersion() throws Exception {
    Files.createDirectories(root.resolve("var/lib/dpkg"));
    Files.writeString(root.resolve("var/lib/dpkg/status"), """
        Package: libc6
        Status: install ok installed
        Architecture: amd64
        Version: 2.36-9+deb12u13

        Package: nano
        Status: deinstall ok config-files
        Architecture: amd64
        Version: 7.2-1

        Package: libc6
        Status: install ok installed
        Architecture: arm64
        Multi-Arch: same
        Version: 2.36-9+deb12u13

        Package: htop
        Status: install ok installed
        Architecture: amd64
        Version: 3.2.2-2""");
    assertEquals(
        Map.of("libc6:amd64", "2.36-9+deb12u13", "libc6:arm64", "2.36-9+deb12u13",
            "htop:amd64", "3.2.2-2"),
        DpkgStatus.installed(root));
  }
}
