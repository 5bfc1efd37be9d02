package dev.debforge.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlsEntryTest {

  static final String OSTREE_ENTRY =
      "title Debian GNU/Linux 12 (bookworm) 12.20261122.0240 (ostree:0)\n"
          + "version 1\n"
          + "options root=UUID=2f1c rw console=ttyS0,115200 ostree=/ostree/boot.1/debian/abc/0\n"
          + "linux /ostree/debian-abc/vmlinuz-6.1.0-56-amd64\n"
          + "initrd /ostree/debian-abc/initramfs-6.1.0-56-amd64.img\n";

  @Test
  void parsesWhatOstreeWrites() {
    BlsEntry e = BlsEntry.parse(OSTREE_ENTRY, "ostree-1-debian.conf");
    assertEquals("Debian GNU/Linux 12 (bookworm) 12.20261122.0240 (ostree:0)", e.title());
    assertEquals("1", e.version());
    assertEquals(
        "root=UUID=2f1c rw console=ttyS0,115200 ostree=/ostree/boot.1/debian/abc/0", e.options());
    assertEquals("/ostree/debian-abc/vmlinuz-6.1.0-56-amd64", e.linux());
    assertEquals(List.of("/ostree/debian-abc/initramfs-6.1.0-56-amd64.img"), e.initrd());
  }

  @Test
  void keepsSeveralInitrdLinesInOrderAndIgnoresUnknownKeysAndComments() {
    BlsEntry e =
        BlsEntry.parse(
            "# comment\nlinux\t/vmlinuz\ninitrd /ucode.img\ninitrd /initrd.img\n"
                + "machine-id 1234\n",
            "x.conf");
    assertEquals(List.of("/ucode.img", "/initrd.img"), e.initrd());
    assertEquals("", e.title());
  }

  @Test
  void rejectsAnEntryWithoutLinux() {
    IllegalArgumentException ex =
        assertThrows(
            IllegalArgumentException.class, () -> BlsEntry.parse("title x\n", "broken.conf"));
    assertTrue(ex.getMessage().contains("broken.conf"));
  }

  @Test
  void ordersNewestFirstComparingNumbersAsNumbers() {
    List<BlsEntry> entries = new ArrayList<>();
    for (String v : List.of("1", "10", "2")) {
      entries.add(new BlsEntry("t" + v, v, "", "/k", List.of()));
    }
    entries.sort(BlsEntry.newestFirst());
    assertEquals(List.of("10", "2", "1"), entries.stream().map(BlsEntry::version).toList());
    assertTrue(BlsEntry.compareVersions("1.10", "1.9") > 0);
    assertEquals(0, BlsEntry.compareVersions("01", "1"));
  }
}
