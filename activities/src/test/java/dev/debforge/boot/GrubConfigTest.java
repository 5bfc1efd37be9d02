package dev.debforge.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  /**
   * The boot counter of automatic rollback: counted down from at most three, the rollback entry
   * once none are left, the block on /boot; and the whole menu parses as GRUB script
   * (grub-script-check, GRUB's own parser).
   */
  @Test
  void menuCountsTrialBootsDownAndFallsBackToTheSecondEntry(@TempDir Path dir) throws Exception {
    String cfg = GrubConfig.defaults(UUID).menu(List.of(entry("1", "rw"), entry("2", "rw")));
    String env = "($root)/grub/grubenv";
    assertTrue(cfg.contains("if [ -s " + env + " ]; then\n\tload_env -f " + env
        + " debforge_tries\n\tif [ \"${debforge_tries}\" = 0 ]; then\n\t\tset default=1\n"
        + "\t\tset debforge_fallback=1\n\t\tsave_env -f " + env + " debforge_fallback\n"), cfg);
    for (int tries = 1; tries <= GrubConfig.MAX_BOOT_TRIES; tries++) {
      assertTrue(cfg.contains("\telif [ \"${debforge_tries}\" = " + tries + " ]; then\n"
          + "\t\tset debforge_tries=" + (tries - 1) + "\n\t\tsave_env -f " + env
          + " debforge_tries\n"), cfg);
    }
    assertTrue(cfg.indexOf("set default=0") < cfg.indexOf("set default=1")
        && cfg.indexOf("set default=1") < cfg.indexOf("menuentry"), cfg);
    assertTrue(new GrubConfig(UUID, false, 1, true).menu(List.of(entry("1", "rw")))
        .contains("load_env -f ($root)/boot/grub/grubenv debforge_tries"));
    Path file = Files.writeString(dir.resolve("grub.cfg"), cfg);
    Process check = new ProcessBuilder("grub-script-check", file.toString())
        .redirectErrorStream(true).start();
    String said = new String(check.getInputStream().readAllBytes());
    assertEquals(0, check.waitFor(), said);
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
