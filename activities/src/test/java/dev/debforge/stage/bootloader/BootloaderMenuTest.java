package dev.debforge.stage.bootloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.boot.BlsEntry;
import dev.debforge.boot.GrubConfig;
import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.BootMenu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootloaderMenuTest {

  private static final String UUID = "2f1c0a7e-1234-8abc-9def-0123456789ab";
  private static final List<BlsEntry> ENTRIES = List.of(new BlsEntry("Debian", "1",
      "rw ostree=/ostree/boot.1/debian/0a1b/0", "/ostree/v/vmlinuz", List.of("/ostree/v/initrd")));

  @TempDir Path dir;

  @Test
  void theMenuIsWhereOstreeKeepsItAndTheScriptThatRemakesItIsBesideIt() throws Exception {
    Path sysroot = Files.createDirectories(dir.resolve("sysroot/boot/loader.1")).getParent()
        .getParent();
    Files.createSymbolicLink(sysroot.resolve("boot/loader"), Path.of("loader.1"));
    Path boot = dir.resolve("out/boot");
    GrubConfig grub = GrubConfig.defaults(UUID);

    BootloaderStage.writeMenu(sysroot, boot, grub, ENTRIES);

    assertEquals(grub.menu(ENTRIES), Files.readString(boot.resolve("loader.1/grub.cfg")));
    assertEquals(Path.of("../loader/grub.cfg"),
        Files.readSymbolicLink(boot.resolve("grub/grub.cfg")));
    Path script = boot.resolve("grub/" + BootMenu.SCRIPT);
    assertTrue(Files.isExecutable(script));
    assertEquals(BootMenu.script(), Files.readString(script));
    assertTrue(Files.readString(boot.getParent().resolve(BootMenu.SETTINGS_PATH.substring(1)))
        .contains("BOOT_UUID=" + UUID + "\n"));
  }

  @Test
  void aSysrootWithoutTheLoaderLinkIsRefused() throws Exception {
    Path sysroot = Files.createDirectories(dir.resolve("sysroot/boot/loader.0")).getParent()
        .getParent();
    BadInputException e = assertThrows(BadInputException.class,
        () -> BootloaderStage.writeMenu(sysroot, dir.resolve("out/boot"),
            GrubConfig.defaults(UUID), ENTRIES));
    assertTrue(e.getMessage().contains("no boot/loader link"), e.getMessage());
  }
}
