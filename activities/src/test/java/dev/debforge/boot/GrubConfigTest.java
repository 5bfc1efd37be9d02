package dev.debforge.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GrubConfigTest {

  private static final String UUID = "2f1c0a7e-1234-8abc-9def-0123456789ab";

  private static BlsEntry entry(String version, String options) {
    return new BlsEntry(
        "Debian (ostree:" + version + ")", version, options, "/ostree/debian-abc/vmlinuz-6.1",
        List.of("/ostree/debian-abc/initramfs-6.1.img"));
  }

  @Test
  void menuHasSerialConsoleTimeoutAndOneEntryPerBlsFileNewestFirst() {
    String cfg =
        GrubConfig.defaults(UUID)
            .menu(List.of(entry("1", "rw ostree=/ostree/boot.1/debian/abc/1"),
                entry("2", "rw ostree=/ostree/boot.1/debian/abc/0")));
    assertTrue(cfg.contains("serial --unit=0 --speed=115200\n"), cfg);
    assertTrue(cfg.contains("terminal_input serial console\n"), cfg);
    assertTrue(cfg.contains("terminal_output serial console\n"), cfg);
    assertTrue(cfg.contains("set timeout=1\n"), cfg);
    int newer = cfg.indexOf("menuentry 'Debian (ostree:2)' {");
    int older = cfg.indexOf("menuentry 'Debian (ostree:1)' {");
    assertTrue(newer > 0 && older > newer, cfg);
    assertTrue(
        cfg.contains(
            "\tsearch --no-floppy --fs-uuid --set=root " + UUID + "\n"
                + "\tlinux /ostree/debian-abc/vmlinuz-6.1 rw ostree=/ostree/boot.1/debian/abc/0\n"
                + "\tinitrd /ostree/debian-abc/initramfs-6.1.img\n}\n"),
        cfg);
  }

  @Test
  void prefixesPathsWithBootWhenBootIsOnTheRootFileSystem() {
    String cfg = new GrubConfig(UUID, false, 5, false).menu(List.of(entry("1", "rw")));
    assertTrue(cfg.contains("\tlinux /boot/ostree/debian-abc/vmlinuz-6.1 rw\n"), cfg);
    assertTrue(cfg.contains("\tinitrd /boot/ostree/debian-abc/initramfs-6.1.img\n"), cfg);
    assertTrue(cfg.contains("set timeout=5\n"), cfg);
    assertTrue(!cfg.contains("serial"), cfg);
  }

  @Test
  void quotesOptionsGrubWouldOtherwiseInterpret() {
    String cfg =
        GrubConfig.defaults(UUID)
            .menu(List.of(entry("1", "rw  systemd.setenv=A=$x foo=\"a b\" it's;x")));
    assertTrue(
        cfg.contains(" rw 'systemd.setenv=A=$x' 'foo=\"a b\"' 'it'\\''s;x'\n"), cfg);
  }

  @Test
  void quotesTitlesWithSingleQuotes() {
    assertEquals("'Bob'\\''s (x)'", GrubConfig.quote("Bob's (x)"));
    assertEquals("console=ttyS0,115200", GrubConfig.quoteWord("console=ttyS0,115200"));
    assertEquals("''", GrubConfig.quoteWord(""));
  }

  @Test
  void espConfigFindsBootAndLoadsItsMenu() {
    assertEquals(
        "search --no-floppy --fs-uuid --set=root " + UUID + "\n"
            + "set prefix=($root)/grub\n"
            + "configfile ($root)/grub/grub.cfg\n",
        GrubConfig.defaults(UUID).espConfig());
  }

  @Test
  void earlyConfigOnlySetsThePrefix() {
    assertEquals(
        "search --no-floppy --fs-uuid --set=root " + UUID + "\nset prefix=($root)/boot/grub\n",
        new GrubConfig(UUID, false, 1, true).earlyConfig());
  }

  @Test
  void refusesAnEmptyMenuAndABadUuid() {
    assertThrows(IllegalArgumentException.class, () -> GrubConfig.defaults(UUID).menu(List.of()));
    assertThrows(IllegalArgumentException.class, () -> GrubConfig.defaults("x; reboot"));
  }
}
