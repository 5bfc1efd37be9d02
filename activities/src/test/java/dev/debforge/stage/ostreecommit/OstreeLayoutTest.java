package dev.debforge.stage.ostreecommit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OstreeLayoutTest {

  private static Path file(Path root, String path, String content) throws Exception {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  @Test
  void movesEtcAndLinksStateDirectoriesIntoVar(@TempDir Path root) throws Exception {
    file(root, "etc/hostname", "test\n");
    file(root, "home/debian/.profile", "x");
    file(root, "root/.bashrc", "y");
    file(root, "opt/tool/bin", "z");
    file(root, "var/opt/existing", "kept");
    file(root, "usr/local/bin/mine", "m");
    Files.createDirectories(root.resolve("media"));
    OstreeLayout.convert(root);

    assertEquals("test\n", Files.readString(root.resolve("usr/etc/hostname")));
    assertFalse(Files.exists(root.resolve("etc")));
    assertEquals(Path.of("var/home"), Files.readSymbolicLink(root.resolve("home")));
    assertEquals(Path.of("var/roothome"), Files.readSymbolicLink(root.resolve("root")));
    assertEquals(Path.of("run/media"), Files.readSymbolicLink(root.resolve("media")));
    assertEquals(Path.of("../var/usrlocal"), Files.readSymbolicLink(root.resolve("usr/local")));
    assertEquals(Path.of("sysroot/ostree"), Files.readSymbolicLink(root.resolve("ostree")));
    assertTrue(Files.isDirectory(root.resolve("sysroot")));
    assertEquals("x", Files.readString(root.resolve("var/home/debian/.profile")));
    assertEquals("y", Files.readString(root.resolve("var/roothome/.bashrc")));
    assertEquals("m", Files.readString(root.resolve("var/usrlocal/bin/mine")));
    // Debian already has /var/opt: the content is merged, not nested as /var/opt/opt.
    assertEquals("z", Files.readString(root.resolve("var/opt/tool/bin")));
    assertEquals("kept", Files.readString(root.resolve("var/opt/existing")));
  }

  @Test
  void emptiesRuntimeDirectoriesButKeepsThem(@TempDir Path root) throws Exception {
    file(root, "dev/null-placeholder", "");
    file(root, "boot/vmlinuz-6.1", "kernel");
    file(root, "tmp/junk", "");
    OstreeLayout.convert(root);
    for (String dir : OstreeLayout.EMPTIED) {
      assertTrue(Files.isDirectory(root.resolve(dir)), dir);
      try (Stream<Path> entries = Files.list(root.resolve(dir))) {
        assertEquals(0, entries.count(), dir + " must be empty");
      }
    }
  }
}
