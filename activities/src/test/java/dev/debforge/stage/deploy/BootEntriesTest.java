package dev.debforge.stage.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootEntriesTest {

  private static final String CSUM =
      "e7489082567465fa8ea209f037898be87e9f1fc8f1aa68f150fc9b569309e73a";

  @TempDir Path sysroot;

  @BeforeEach
  void ostreeLikeBoot() throws IOException {
    Files.createDirectories(sysroot.resolve("boot/loader.1/entries"));
    Files.createSymbolicLink(sysroot.resolve("boot/loader"), Path.of("loader.1"));
    Path dir = Files.createDirectories(sysroot.resolve("boot/ostree/debian-" + CSUM));
    Files.writeString(dir.resolve("vmlinuz-6.1.0-test"), "k");
    Files.writeString(dir.resolve("initramfs-6.1.0-test.img"), "i");
  }

  @Test
  void acceptsTheEntryOstreeWrites() throws Exception {
    entry("root=UUID=abc rw ostree=/ostree/boot.1/debian/" + CSUM + "/0", "6.1.0-test");
    BootEntries.Checked checked = BootEntries.check(sysroot);
    assertEquals("boot/loader/entries/ostree-1-debian.conf", checked.path());
    assertEquals(CSUM, checked.bootcsum());
    assertEquals("/ostree/debian-" + CSUM + "/vmlinuz-6.1.0-test", checked.entry().linux());
  }

  @Test
  void rejectsAnEntryWithoutOstreeArgument() throws Exception {
    entry("root=UUID=abc rw", "6.1.0-test");
    IOException e = assertThrows(IOException.class, () -> BootEntries.check(sysroot));
    assertEquals(
        "the boot loader entry boot/loader/entries/ostree-1-debian.conf has no ostree= argument:"
            + " root=UUID=abc rw",
        e.getMessage());
  }

  @Test
  void rejectsAnEntryWhoseKernelIsNotOnBoot() throws Exception {
    entry("ostree=/ostree/boot.1/debian/" + CSUM + "/0", "6.1.0-other");
    IOException e = assertThrows(IOException.class, () -> BootEntries.check(sysroot));
    assertTrue(
        e.getMessage().contains("names /ostree/debian-" + CSUM + "/vmlinuz-6.1.0-other, which"),
        e.getMessage());
  }

  @Test
  void rejectsASysrootWithoutEntries() {
    IOException e = assertThrows(IOException.class, () -> BootEntries.check(sysroot));
    assertTrue(e.getMessage().startsWith("ostree admin deploy left 0 boot loader entries"));
  }

  private void entry(String options, String kver) throws IOException {
    Files.writeString(
        sysroot.resolve("boot/loader/entries/ostree-1-debian.conf"),
        "title Debian Test (ostree:0)\nversion 1\noptions " + options + "\n"
            + "linux /ostree/debian-" + CSUM + "/vmlinuz-" + kver + "\n"
            + "initrd /ostree/debian-" + CSUM + "/initramfs-" + kver + ".img\n");
  }
}
