package dev.debforge.stage.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FstabTest {

  @Test
  void mountsRootBootAndEspByUuid() {
    assertEquals(
        "# Written by debforge for this disk; the UUIDs are its file systems'.\n"
            + "UUID=11111111-2222-8333-8444-555555555555 / ext4 defaults 0 1\n"
            + "UUID=66666666-7777-8888-9999-aaaaaaaaaaaa /boot ext4 defaults 0 2\n"
            + "UUID=1234-ABCD /boot/efi vfat umask=0077,shortname=winnt 0 2\n",
        Fstab.text(
            "11111111-2222-8333-8444-555555555555",
            "ext4",
            "66666666-7777-8888-9999-aaaaaaaaaaaa",
            "1234-ABCD"));
  }

  @Test
  void skipsFsckForXfsAndBtrfsRoots() {
    assertEquals(
        "UUID=r / xfs defaults 0 0",
        Fstab.text("r", "xfs", "b", "E").lines().skip(1).findFirst().get());
    assertEquals(
        "UUID=r / btrfs defaults 0 0",
        Fstab.text("r", "btrfs", "b", "E").lines().skip(1).findFirst().get());
  }
}
