package dev.debforge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A tree that a killed tool left with something mounted inside (as mmdebstrap leaves its
 * chroot's /sys): the delete detaches the mount first instead of failing on it or walking into
 * it. Mounts need root, which the tests have here.
 */
class TreesMountTest {

  @Test
  void aMountInsideTheTreeIsDetachedBeforeTheDelete() throws Exception {
    Path tree = Files.createTempDirectory(Path.of("/var/tmp"), "trees-mount-test-");
    Path sys = Files.createDirectories(tree.resolve("scratch/root/sys"));
    Process mount = new ProcessBuilder("mount", "-t", "sysfs", "-o", "ro", "sysfs",
        sys.toString()).inheritIO().start();
    assertEquals(0, mount.waitFor(), "mount sysfs");
    Trees.delete(tree);
    assertFalse(Files.exists(tree));
    assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(tree.toString()));
  }
}
