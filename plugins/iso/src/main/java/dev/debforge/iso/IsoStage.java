package dev.debforge.iso;

import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.BootMenu;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * {@code installer}: the installer ISO, made from files alone (no loop device, mount or privileged
 * container): the live system as a squashfs that live-boot finds, the image's commit in an
 * OSTree repository for an offline install, GRUB for BIOS (El Torito, with an MBR for a USB
 * stick) and UEFI (a FAT image made with mtools, also a GPT partition of the hybrid image), and
 * xorriso to put them together.
 *
 * <p>Layout of the ISO: {@code /live/vmlinuz}, {@code /live/initrd.img},
 * {@code /live/filesystem.squashfs}; {@code /ostree/repo} (archive mode, holding the image's
 * ref); {@code /boot/grub/} (menu, BIOS image, EFI image); {@code /.disk/info}, the marker
 * GRUB's UEFI image searches for; {@code /debforge/install}, the install script,
 * {@code /debforge/image.env}, what it installs (ref, commit, stateroot, architecture), and
 * {@code /debforge/install.args}, the unattended install's settings, when there are some.
 *
 * <p>Inputs: {@code commit} (the image's repository and its facts), {@code live} ({@link
 * LiveStage}). Output: {@code install.iso}. Facts: {@code commit}, {@code kernel} (the live
 * system's), {@code firmwares}.
 */
@Extension
public final class IsoStage implements Stage<IsoOptions> {

  public static final String ID = "installer";
  static final String LIVE_ROLE = "live";
  static final String MARKER = "/.disk/info";
  static final String VOLUME_ID = "DEBFORGE_INSTALL";
  /** The stateroot the installer deploys to, as build's disks have it. */
  static final String OS_NAME = "debian";

  private static final Duration TIMEOUT = Duration.ofMinutes(30);

  @Override
  public String id() {
    return ID;
  }

  /** 8: the menu generator on the medium counts the boots of a deployment on trial. */
  @Override
  public int version() {
    return 8;
  }

  @Override
  public Class<IsoOptions> optionsType() {
    return IsoOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, IsoOptions options) throws Exception {
    String arch = context.architecture();
    Path live = context.input(LIVE_ROLE);
    String kernel = context.facts(LIVE_ROLE).get("kernel");
    Map<String, String> image = context.facts("commit");
    String commit = image.get("commit");
    String ref = image.get("ref");
    if (commit == null || ref == null) {
      throw new BadInputException("the iso stage's input is not an OSTree commit step (facts: "
          + image + ")", "give the iso stage the commit role of a build");
    }
    Path iso = Files.createDirectories(context.scratch().resolve("iso"));
    Path work = Files.createDirectories(context.scratch().resolve("work"));

    // The live step made the squashfs, kernel and initramfs once for every image's ISO.
    Path isoLive = Files.createDirectories(iso.resolve("live"));
    for (String file : List.of("vmlinuz", "initrd.img", "filesystem.squashfs")) {
      Files.copy(live.resolve("live").resolve(file), isoLive.resolve(file));
    }

    context.progress("OSTree repository with " + ref + " (" + commit.substring(0, 12) + ")");
    Path repo = iso.resolve("ostree/repo");
    Files.createDirectories(repo);
    context.tools().run(ToolCall.of(List.of("ostree", "init", "--repo=" + repo,
        "--mode=archive"), TIMEOUT));
    context.tools().run(ToolCall.of(List.of("ostree", "pull-local", "--repo=" + repo,
        context.input("commit").resolve("repo").toString(), commit), TIMEOUT));
    context.tools().run(ToolCall.of(List.of("ostree", "refs", "--repo=" + repo,
        "--create=" + ref, commit), TIMEOUT));
    Files.createDirectories(iso.resolve("debforge"));
    Files.writeString(iso.resolve("debforge/image.env"), String.join("\n",
        "DEBFORGE_REF=" + ref, "DEBFORGE_COMMIT=" + commit, "DEBFORGE_OS=" + OS_NAME,
        "DEBFORGE_ARCH=" + arch, ""));
    List<String> installArgs = options.installArgs();
    if (!installArgs.isEmpty()) {
      Files.write(iso.resolve("debforge/install.args"), installArgs);
    }
    Path install = iso.resolve("debforge/install");
    Files.write(install, Installer.SCRIPT);
    Files.setPosixFilePermissions(install, PosixFilePermissions.fromString("rwxr-xr-x"));
    // The boot menu generator of debforge's disks, which the install puts on /boot so that the
    // installed system's menu follows its updates as a built disk's does.
    Files.writeString(iso.resolve("debforge/" + BootMenu.SCRIPT), BootMenu.script());
    Files.writeString(iso.resolve("debforge/environment"), BootMenu.ENVIRONMENT + "\n");
    for (Map.Entry<String, String> file : BootMenu.etcFiles().entrySet()) {
      Path path = iso.resolve("debforge/etc").resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, file.getValue());
    }

    Files.createDirectories(iso.resolve(".disk"));
    Files.writeString(iso.resolve(MARKER.substring(1)), "debforge installer for " + arch + "\n");
    context.progress("GRUB for " + String.join(" and ", Grub.firmwares(arch)));
    Path grub = Files.createDirectories(iso.resolve("boot/grub"));
    Files.writeString(grub.resolve("grub.cfg"),
        Grub.menu(arch, options.unattended()));
    boolean bios = Grub.firmwares(arch).contains("bios");
    if (bios) {
      Path core = work.resolve("core.img");
      context.tools().run(Grub.biosCore(live.resolve("grub"), core));
      Files.write(grub.resolve("bios.img"), concat(
          live.resolve("grub/i386-pc/cdboot.img"), core));
    }
    Path embedded = Files.writeString(work.resolve("embedded.cfg"), Grub.embeddedConfig(MARKER));
    Path efiBinary = work.resolve(Grub.efiFileName(arch));
    context.tools().run(Grub.efi(live.resolve("grub"), arch, embedded, efiBinary));
    Path efiImage = grub.resolve("efi.img");
    long kib = Math.max(4096, (Files.size(efiBinary) / 1024) * 2 + 1024);
    context.tools().run(ToolCall.of(List.of("mkfs.vfat", "-C", "-n", "ESP", efiImage.toString(),
        Long.toString(kib)), TIMEOUT));
    context.tools().run(ToolCall.of(List.of("mmd", "-i", efiImage.toString(), "::/EFI",
        "::/EFI/BOOT"), TIMEOUT).withEnvironment(Map.of("MTOOLS_SKIP_CHECK", "1")));
    context.tools().run(ToolCall.of(List.of("mcopy", "-i", efiImage.toString(),
        efiBinary.toString(), "::/EFI/BOOT/" + Grub.efiFileName(arch)), TIMEOUT)
        .withEnvironment(Map.of("MTOOLS_SKIP_CHECK", "1")));

    context.progress("writing install.iso");
    Path out = context.output().resolve("install.iso");
    context.tools().run(ToolCall.of(xorriso(live, iso, out, bios), TIMEOUT));
    return new StageOutput(Map.of("commit", commit, "ref", ref, "kernel", kernel,
        "firmwares", String.join(",", Grub.firmwares(arch))));
  }

  /**
   * xorriso's mkisofs emulation: Rock Ridge names (OSTree's object names do not fit Joliet),
   * the El Torito entries, and a hybrid image for a USB stick: GRUB's hybrid boot code in the
   * MBR for BIOS, and a GPT (behind a protective MBR) whose EFI system partition is the FAT
   * image, for UEFI. Without {@code -efi-boot-part} the image has no partition table at all:
   * OVMF still boots it through its El Torito catalog, other firmware does not.
   */
  static List<String> xorriso(Path live, Path iso, Path out, boolean bios) {
    List<String> argv = new ArrayList<>(List.of(
        "xorriso", "-as", "mkisofs", "-iso-level", "3", "-R", "-V", VOLUME_ID, "-o",
        out.toString()));
    if (bios) {
      argv.addAll(List.of(
          "--grub2-mbr", live.resolve("grub/i386-pc/boot_hybrid.img").toString(),
          "-b", "boot/grub/bios.img", "-no-emul-boot", "-boot-load-size", "4",
          "-boot-info-table", "--grub2-boot-info", "-eltorito-alt-boot"));
    }
    argv.addAll(List.of("-e", "boot/grub/efi.img", "-no-emul-boot", "-efi-boot-part",
        "--efi-boot-image", "-isohybrid-gpt-basdat", iso.toString()));
    return argv;
  }

  private static byte[] concat(Path first, Path second) throws java.io.IOException {
    byte[] a = Files.readAllBytes(first);
    byte[] b = Files.readAllBytes(second);
    byte[] all = new byte[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
