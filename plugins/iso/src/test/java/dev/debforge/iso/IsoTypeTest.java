package dev.debforge.iso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.OutputType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The iso type's options, its shared live system and the tool calls it plans. */
class IsoTypeTest {

  private final IsoType type = new IsoType();

  @Test
  void namedAsBootcImageBuilderNamesItsInstaller() {
    assertEquals("iso", type.id());
    assertEquals("bootiso", type.directory());
    assertEquals("install.iso", type.fileName());
    assertEquals(OutputType.Input.COMMIT, type.input());
    assertEquals(IsoStage.ID, type.stage());
  }

  @Test
  void optionsGetDefaultsAndKeepWhatTheRecipeGave() {
    assertEquals(Map.of("suite", "bookworm", "mirror", "http://deb.debian.org/debian",
        "packages", List.of(), "installer", Installer.SHA256), type.stageOptions(Map.of()));
    assertEquals(64, Installer.SHA256.length(), "the install script is in the jar");
    Map<String, Object> given = type.stageOptions(Map.of("suite", "trixie",
        "packages", List.of("vim")));
    assertEquals("trixie", given.get("suite"));
    assertEquals(List.of("vim"), given.get("packages"));
  }

  @Test
  void theLiveSystemIsSharedByImagesAndKeyedByWhatItIsMadeOf() {
    Map<String, Object> options = type.stageOptions(Map.of("packages", List.of("vim")));
    List<OutputType.SharedInput> shared = type.sharedInputs(options, "amd64");
    assertEquals(1, shared.size());
    OutputType.SharedInput live = shared.get(0);
    assertEquals("live", live.role());
    assertEquals(LiveStage.ID, live.stage());
    assertEquals("amd64", live.options().get("architecture"));
    @SuppressWarnings("unchecked")
    List<String> packages = (List<String>) live.options().get("packages");
    assertTrue(packages.containsAll(List.of("live-boot", "ostree", "linux-image-amd64",
        "grub-pc-bin", "grub-efi-amd64-bin", "vim")), packages.toString());
    assertEquals(packages.stream().sorted().toList(), packages, "sorted, so the key is stable");
    assertNotEquals(live.options(), type.sharedInputs(options, "arm64").get(0).options(),
        "each architecture has its own live system");
    assertThrows(IllegalArgumentException.class, () -> type.sharedInputs(options, "riscv64"));
  }

  @Test
  void liveSystemIsMadeByMmdebstrapWithTheSharedAptCache() {
    LiveOptions options = LiveOptions.of(type.stageOptions(Map.of()), "amd64");
    List<String> argv =
        LiveStage.argv(options, Path.of("/out"), Path.of("/cache"), Path.of("/s/unit"));
    assertEquals("mmdebstrap", argv.get(0));
    assertTrue(argv.contains("--architectures=amd64"), argv.toString());
    assertTrue(argv.contains("--setup-hook=sync-in /cache /var/cache/apt/archives/"));
    assertTrue(argv.contains(
        "--customize-hook=upload /s/unit /etc/systemd/system/debforge-install.service"));
    assertTrue(LiveStage.installUnit().contains("ConditionKernelCommandLine=debforge.install\n"));
    assertEquals(List.of("bookworm", "/out", "deb http://deb.debian.org/debian bookworm main"),
        argv.subList(argv.size() - 3, argv.size()));
  }

  @Test
  void amd64IsosAreHybridsForBiosAndUefi() {
    List<String> argv =
        IsoStage.xorriso(Path.of("/live"), Path.of("/iso"), Path.of("/out/install.iso"), true);
    String line = String.join(" ", argv);
    assertTrue(line.startsWith("xorriso -as mkisofs -iso-level 3 -R -V DEBFORGE_INSTALL -o "
        + "/out/install.iso --grub2-mbr /live/grub/i386-pc/boot_hybrid.img -b "
        + "boot/grub/bios.img"), line);
    assertTrue(line.endsWith("-e boot/grub/efi.img -no-emul-boot -efi-boot-part --efi-boot-image"
        + " -isohybrid-gpt-basdat /iso"), line);
    String arm =
        String.join(" ", IsoStage.xorriso(Path.of("/live"), Path.of("/iso"), Path.of("/o"), false));
    assertTrue(!arm.contains("grub2-mbr") && !arm.contains("bios.img"), arm);
    assertEquals(List.of("bios", "uefi"), Grub.firmwares("amd64"));
    assertEquals(List.of("uefi"), Grub.firmwares("arm64"));
  }

  @Test
  void theMenuBootsLiveBootOnTheSerialConsoleOfTheArchitecture() {
    String amd64 = Grub.menu("amd64", null);
    assertTrue(amd64.contains("linux /live/vmlinuz boot=live components console=tty0"
        + " console=ttyS0,115200\n"), amd64);
    assertTrue(!amd64.contains("debforge.install"), amd64);
    assertTrue(Grub.menu("arm64", null).contains("console=ttyAMA0,115200"));
    String unattended = Grub.menu("amd64", "/dev/vda");
    assertTrue(unattended.indexOf("debforge.install=/dev/vda")
        < unattended.indexOf("menuentry 'Debian live"), "installing is the first entry");
    assertTrue(Grub.embeddedConfig(IsoStage.MARKER)
        .startsWith("search --no-floppy --file --set=root /.disk/info\n"));
  }
}
