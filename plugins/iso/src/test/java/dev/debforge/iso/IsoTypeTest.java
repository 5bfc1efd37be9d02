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
    List<String> argv = LiveStage.argv(options, Path.of("/out"), Path.of("/cache"),
        Path.of("/s/unit"), Path.of("/s/files"));
    assertEquals("mmdebstrap", argv.get(0));
    assertTrue(argv.contains("--architectures=amd64"), argv.toString());
    assertTrue(argv.contains("--setup-hook=sync-in /cache /var/cache/apt/archives/"));
    assertTrue(argv.contains(
        "--customize-hook=upload /s/unit /etc/systemd/system/debforge-install.service"));
    assertTrue(LiveStage.installUnit().contains("ConditionKernelCommandLine=debforge.install\n"));
    assertTrue(argv.indexOf("--customize-hook=sync-in /s/files /")
        < argv.indexOf("--customize-hook=chroot \"$1\" systemctl enable "
            + LiveFiles.CALAMARES_UNIT), "Calamares' unit is enabled once it is there");
    assertEquals(List.of("bookworm", "/out", "deb http://deb.debian.org/debian bookworm main",
        "deb http://deb.debian.org/debian bookworm-updates main",
        "deb http://deb.debian.org/debian-security bookworm-security main"),
        argv.subList(argv.size() - 5, argv.size()));
    assertEquals(List.of("deb http://m.example/debian sid main"),
        LiveStage.sources("sid", "http://m.example/debian"));
    assertEquals(List.of("deb http://m.example/mirror trixie main",
        "deb http://m.example/mirror trixie-updates main"),
        LiveStage.sources("trixie", "http://m.example/mirror"));
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

  @Test
  void theUnattendedSettingsBecomeTheInstallScriptsOptions() {
    IsoOptions options = new IsoOptions("bookworm", IsoOptions.MIRROR, List.of(), "/dev/vda",
        "lab-1", "de_DE.UTF-8", "de", "Europe/Berlin",
        List.of(new IsoOptions.User("ann", "Ann", "$6$s$h", List.of("sudo", "users"),
            List.of("ssh-ed25519 AAAA ann"))), Installer.SHA256);
    assertEquals(List.of("--hostname", "lab-1", "--locale", "de_DE.UTF-8", "--keyboard", "de",
        "--timezone", "Europe/Berlin", "--user", "ann", "--fullname", "Ann", "--password-hash",
        "$6$s$h", "--groups", "sudo,users", "--ssh-key", "ssh-ed25519 AAAA ann"),
        options.installArgs());
    assertEquals(List.of(), new IsoOptions("bookworm", IsoOptions.MIRROR, null, "/dev/vda", null,
        null, null, null, null, null).installArgs());
  }

  @Test
  void settingsThatCannotWorkAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new IsoOptions("bookworm", "m", null,
        null, "lab-1", null, null, null, null, null), "a host name without an unattended disk");
    assertThrows(IllegalArgumentException.class,
        () -> new IsoOptions.User("ann", null, "plain-text", null, null));
    assertThrows(IllegalArgumentException.class,
        () -> new IsoOptions.User("Ann", null, null, null, null));
    assertThrows(IllegalArgumentException.class, () -> new IsoOptions("bookworm", "m", null,
        "/dev/vda", "no spaces", null, null, null, null, null));
  }

  @Test
  void theGraphicalInstallerIsPartOfTheLiveSystemAndOfItsKey() throws Exception {
    LiveOptions options = LiveOptions.of(type.stageOptions(Map.of()), "amd64");
    assertTrue(options.packages().containsAll(List.of("calamares", "xserver-xorg-core",
        "xinit")), options.packages().toString());
    assertEquals(LiveFiles.SHA256, options.asMap().get("files"));
    java.nio.file.Path root = java.nio.file.Files.createTempDirectory("live-files");
    LiveFiles.writeTo(root);
    String settings = java.nio.file.Files.readString(root.resolve("etc/calamares/settings.conf"));
    assertTrue(settings.contains("- debforgeinstall") && settings.contains("packagechooser@disk"),
        settings);
    assertTrue(java.nio.file.Files.isExecutable(root.resolve(
        "usr/lib/debforge/calamares-session")));
    String job = java.nio.file.Files.readString(root.resolve(
        "usr/lib/debforge/calamares/debforgeinstall/main.py"));
    assertTrue(job.contains("/run/live/medium/debforge/install"), "the job runs the ISO's script");
    String unit = java.nio.file.Files.readString(root.resolve(
        "etc/systemd/system/" + LiveFiles.CALAMARES_UNIT));
    assertTrue(unit.contains("ConditionKernelCommandLine=!debforge.install"),
        "the unattended install starts no screen: " + unit);
  }
}
