package dev.debforge.stage.bootloader;

import dev.debforge.boot.BlsEntry;
import dev.debforge.boot.Firmware;
import dev.debforge.boot.GrubConfig;
import dev.debforge.boot.GrubMkimage;
import dev.debforge.disk.Architecture;
import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.BootMenu;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code bootloader}: makes what GRUB needs on the disk, from the image's own GRUB.
 *
 * <p>Debian's GRUB has no BLS support, so the menu ({@code boot/grub/grub.cfg}, a link to
 * {@code boot/loader/grub.cfg}) is generated from the BLS entries {@code ostree admin deploy}
 * wrote, each entry finding /boot by its UUID; the script that makes the same menu on the booted
 * system after an update is put beside it ({@link #writeMenu}). GRUB's
 * module directories are taken from the image ({@code /usr/lib/grub/PLATFORM}, only
 * {@code *.mod} and {@code *.lst}), as bootupd does, so the disk's bootloader matches the system
 * that later updates it. For UEFI, {@code EFI/BOOT/BOOTX64.EFI} (BOOTAA64.EFI on arm64) and a
 * small grub.cfg that hands over to /boot's; for BIOS, core.img with an embedded config doing
 * the same, and the image's boot.img.
 *
 * <p>Inputs: {@code sysroot} (the deploy step) and {@code tree} (the image's root). Output:
 * {@code boot/} (merged into the /boot file system), {@code esp/} (the ESP's content) and
 * {@code bios/} ({@code core.img}, {@code boot.img}).
 */
public final class BootloaderStage implements Stage<BootloaderOptions> {

  public static final String ID = "bootloader";

  @Override
  public String id() {
    return ID;
  }

  /** 4: the menu counts the boots of a deployment on trial (automatic rollback). */
  @Override
  public int version() {
    return 4;
  }

  @Override
  public Class<BootloaderOptions> optionsType() {
    return BootloaderOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, BootloaderOptions options) throws Exception {
    Architecture arch = Architecture.fromDebianName(context.architecture());
    Path sysroot = context.input("sysroot").resolve("sysroot");
    Path image = context.input("tree");
    Path out = context.output();
    GrubConfig grub =
        new GrubConfig(options.bootUuid(), true, options.timeoutSeconds(), true);

    List<BlsEntry> entries = readEntries(sysroot.resolve("boot/loader/entries"));
    Path grubDir = Files.createDirectories(out.resolve("boot/grub"));
    writeMenu(sysroot, out.resolve("boot"), grub, entries);
    Map<String, String> facts = new TreeMap<>();
    facts.put("entries", Integer.toString(entries.size()));

    Path scratch = context.scratch();
    for (String name : options.firmwares()) {
      Firmware firmware = Firmware.valueOf(name.toUpperCase(Locale.ROOT));
      String platform = GrubMkimage.format(arch, firmware);
      Path modules = image.resolve("usr/lib/grub").resolve(platform);
      if (!Files.isDirectory(modules)) {
        throw new BadInputException(
            "the image has no GRUB modules for " + platform + " (/usr/lib/grub/" + platform + ")",
            "install " + grubPackage(platform) + " in the image");
      }
      copyModules(modules, Files.createDirectories(grubDir.resolve(platform)));
      if (firmware == Firmware.UEFI) {
        Path efiBoot = Files.createDirectories(out.resolve("esp/EFI/BOOT"));
        Files.writeString(efiBoot.resolve("grub.cfg"), grub.espConfig());
        context.progress("grub-mkimage " + platform);
        context.tools().run(
            GrubMkimage.call(
                new GrubMkimage.Options(
                    arch, firmware, modules, efiBoot.resolve(efiBinary(arch)), "/EFI/BOOT",
                    null)));
      } else {
        Path bios = Files.createDirectories(out.resolve("bios"));
        Path early = scratch.resolve("early.cfg");
        Files.writeString(early, grub.earlyConfig());
        context.progress("grub-mkimage " + platform);
        context.tools().run(
            GrubMkimage.call(
                new GrubMkimage.Options(
                    arch, firmware, modules, bios.resolve("core.img"), "/grub", early)));
        Files.copy(modules.resolve("boot.img"), bios.resolve("boot.img"));
        facts.put("coreImgBytes", Long.toString(Files.size(bios.resolve("core.img"))));
      }
    }
    facts.put("firmwares", String.join(",", options.firmwares()));
    return new StageOutput(facts);
  }

  /**
   * Writes the menu where ostree keeps it on a booted system: {@code loader.N/grub.cfg} beside
   * the entries it was made from ({@code loader} links to {@code loader.N}), with
   * {@code grub/grub.cfg} a link to {@code ../loader/grub.cfg}, so GRUB reads whichever menu the
   * {@code loader} link leads to. On each deployment change of the booted system ostree runs the
   * menu script put beside it, with its settings, into the new {@code loader.N}, then swaps the
   * {@code loader} link.
   */
  static void writeMenu(Path sysroot, Path boot, GrubConfig grub, List<BlsEntry> entries)
      throws IOException, BadInputException {
    Path loaderLink = sysroot.resolve("boot/loader");
    if (!Files.isSymbolicLink(loaderLink)) {
      throw new BadInputException("the deployment has no boot/loader link in " + sysroot,
          "this is a bug in the deploy step; its log is in the store");
    }
    String loader = Files.readSymbolicLink(loaderLink).toString();
    if (!loader.matches("loader\\.[01]")) {
      throw new BadInputException("boot/loader links to '" + loader + "', not loader.0 or loader.1",
          "this is a bug in the deploy step; its log is in the store");
    }
    Path grubDir = Files.createDirectories(boot.resolve("grub"));
    Files.writeString(Files.createDirectories(boot.resolve(loader)).resolve("grub.cfg"),
        grub.menu(entries));
    Files.createSymbolicLink(grubDir.resolve("grub.cfg"), Path.of("../loader/grub.cfg"));
    Path script = grubDir.resolve(BootMenu.SCRIPT);
    Files.writeString(script, BootMenu.script());
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(boot.resolve(BootMenu.SETTINGS_PATH.substring("/boot/".length())),
        BootMenu.settings(grub.bootFsUuid(), grub.timeoutSeconds(), grub.serialConsole()));
  }

  static String efiBinary(Architecture arch) {
    return arch == Architecture.AMD64 ? "BOOTX64.EFI" : "BOOTAA64.EFI";
  }

  static String grubPackage(String platform) {
    return switch (platform) {
      case "i386-pc" -> "grub-pc-bin";
      case "x86_64-efi" -> "grub-efi-amd64-bin";
      case "arm64-efi" -> "grub-efi-arm64-bin";
      default -> "GRUB for " + platform;
    };
  }

  static List<BlsEntry> readEntries(Path dir) throws IOException, BadInputException {
    List<BlsEntry> entries = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.conf")) {
        for (Path file : files) {
          entries.add(BlsEntry.parse(Files.readString(file), file.getFileName().toString()));
        }
      }
    }
    if (entries.isEmpty()) {
      throw new BadInputException(
          "the deployment has no boot loader entries in " + dir,
          "this is a bug in the deploy step; its log is in the store");
    }
    return entries;
  }

  /** Copies the loadable modules and their lists; the rest (images, sources) is not needed. */
  private static void copyModules(Path from, Path to) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(from)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (Files.isRegularFile(file) && (name.endsWith(".mod") || name.endsWith(".lst"))) {
          Files.copy(file, to.resolve(name));
        }
      }
    }
  }
}
