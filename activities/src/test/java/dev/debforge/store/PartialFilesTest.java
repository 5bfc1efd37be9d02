package dev.debforge.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartialFilesTest {

  @TempDir Path dir;

  @Test
  void twoWritersOfOneProcessGetNamesOfTheirOwnBesideTheTarget() {
    Path target = dir.resolve("disk.raw");
    Path one = PartialFiles.beside(target);
    Path two = PartialFiles.beside(target);
    assertNotEquals(one, two);
    String prefix = ".disk.raw.partial-" + ProcessHandle.current().pid() + "-";
    assertTrue(one.getFileName().toString().startsWith(prefix), one.toString());
    assertTrue(two.getParent().equals(dir), two.toString());
  }

  @Test
  void onlyWhatDeadProcessesLeftIsRemoved() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path target = dir.resolve("image.oci");
    Path dead = Files.createDirectories(
        dir.resolve(".image.oci.partial-" + gone.pid() + "-0123456789ab").resolve("blobs"));
    Path deadOldName = Files.writeString(dir.resolve(".image.oci.partial-" + gone.pid()), "x");
    Path mine = Files.writeString(PartialFiles.beside(target), "being written");
    Path other = Files.writeString(dir.resolve(".other.partial-" + gone.pid()), "not ours");
    Path notAPid = Files.writeString(dir.resolve(".image.oci.partial-someone"), "not ours");

    PartialFiles.removeOrphans(target);

    assertFalse(Files.exists(dead.getParent()), "a dead writer's directory");
    assertFalse(Files.exists(deadOldName), "a dead writer's file, named as before");
    assertTrue(Files.exists(mine), "this process's writer is alive");
    assertTrue(Files.exists(other) && Files.exists(notAPid));
  }
}
