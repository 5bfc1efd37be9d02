package dev.debforge.iso;

import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolCall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.pf4j.Extension;

/**
 * {@code installer-live}: the live system of the installer ISO, a Debian root file system made by
 * mmdebstrap with live-boot (whose initramfs finds the ISO's squashfs), OSTree and the tools
 * that partition and format a disk. It reads nothing of the build, so one live system serves
 * the ISOs of every image with the same options.
 *
 * <p>The live system logs in {@code root} with the password {@code live} on its consoles, as
 * Debian's live images do with their user; it is an installer, not a system to keep.
 *
 * <p>The unit {@code debforge-install.service} starts the installer that the ISO carries
 * ({@code /run/live/medium/debforge/install}, where live-boot mounts the medium) when the kernel
 * command line has {@code debforge.install=DISK}: the unattended install. The script is on the
 * ISO, not here, so that a change to it needs no new live system.
 *
 * <p>Output: what the ISO takes of it, so that no ISO makes its squashfs again:
 * {@code live/filesystem.squashfs}, {@code live/vmlinuz} and {@code live/initrd.img} (the ISO's
 * {@code /live}), and GRUB's module directories for the ISO's boot images
 * ({@code grub/i386-pc} on amd64, {@code grub/x86_64-efi} or {@code grub/arm64-efi}). The tree
 * itself is made in scratch and not kept. Facts: {@code kernel}, the live kernel's version.
 */
@Extension
public final class LiveStage implements Stage<LiveOptions> {

  public static final String ID = "installer-live";

  private static final Duration TIMEOUT = Duration.ofMinutes(60);

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 3;
  }

  @Override
  public Class<LiveOptions> optionsType() {
    return LiveOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, LiveOptions options) throws Exception {
    context.progress("mmdebstrap " + options.suite() + " with " + options.packages().size()
        + " packages for the live system");
    Path cache = context.sharedCache("apt-archives-" + options.architecture());
    Path unit = Files.writeString(context.scratch().resolve(INSTALL_UNIT), installUnit());
    Path files = context.scratch().resolve("files");
    LiveFiles.writeTo(files);
    Path root = context.scratch().resolve("root");
    context.tools().run(ToolCall.of(argv(options, root, cache, unit, files), TIMEOUT));
    String kernel = kernel(root);
    Path live = Files.createDirectories(context.output().resolve("live"));
    Files.copy(root.resolve("boot/vmlinuz-" + kernel), live.resolve("vmlinuz"));
    Files.copy(root.resolve("boot/initrd.img-" + kernel), live.resolve("initrd.img"));
    context.progress("squashfs of the live system (kernel " + kernel + ")");
    context.tools().run(ToolCall.of(List.of("mksquashfs", root.toString(),
        live.resolve("filesystem.squashfs").toString(), "-comp", "zstd", "-noappend", "-quiet",
        "-no-progress"), TIMEOUT));
    for (String platform : Grub.platforms(options.architecture())) {
      context.tools().run(ToolCall.of(List.of("cp", "-a",
          root.resolve("usr/lib/grub/" + platform).toString(),
          Files.createDirectories(context.output().resolve("grub")).resolve(platform).toString()),
          TIMEOUT));
    }
    return StageOutput.of("kernel", kernel);
  }

  static List<String> argv(LiveOptions options, Path target, Path cache, Path unit,
      Path files) {
    List<String> argv = new ArrayList<>();
    argv.add("mmdebstrap");
    argv.add("--mode=root");
    argv.add("--format=directory");
    argv.add("--variant=apt");
    argv.add("--architectures=" + options.architecture());
    argv.add("--include=" + String.join(",", options.packages()));
    // apt's archives are shared with debforge's own debootstrap steps on this host.
    argv.add("--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives/");
    argv.add("--setup-hook=sync-in " + cache + " /var/cache/apt/archives/");
    argv.add("--customize-hook=echo root:live | chroot \"$1\" chpasswd");
    argv.add("--customize-hook=echo debforge-installer > \"$1\"/etc/hostname");
    argv.add("--customize-hook=upload " + unit + " /etc/systemd/system/" + INSTALL_UNIT);
    argv.add("--customize-hook=chroot \"$1\" systemctl enable " + INSTALL_UNIT);
    argv.add("--customize-hook=sync-in " + files + " /");
    argv.add("--customize-hook=chroot \"$1\" systemctl enable " + LiveFiles.CALAMARES_UNIT);
    // update-initramfs keeps the previous image as .dpkg-bak; the ISO needs only one.
    argv.add("--customize-hook=rm -f \"$1\"/boot/*.dpkg-bak \"$1\"/boot/*.new");
    argv.add("--customize-hook=sync-out /var/cache/apt/archives " + cache);
    argv.add(options.suite());
    argv.add(target.toString());
    argv.addAll(sources(options.suite(), options.mirror()));
    return argv;
  }

  /**
   * The live system's apt sources: the suite, and for a stable one its updates and, from a
   * mirror's {@code debian} archive, its security updates beside it ({@code debian-security}),
   * so that the live kernel is the one the image's updates have.
   */
  static List<String> sources(String suite, String mirror) {
    List<String> lines = new ArrayList<>();
    lines.add("deb " + mirror + " " + suite + " main");
    if (!suite.equals("sid") && !suite.equals("unstable")) {
      lines.add("deb " + mirror + " " + suite + "-updates main");
      String base = mirror.replaceAll("/+$", "");
      if (base.endsWith("/debian")) {
        lines.add("deb " + base + "-security " + suite + "-security main");
      }
    }
    return lines;
  }

  static final String INSTALL_UNIT = "debforge-install.service";

  /** The unit that runs the ISO's installer unattended when the kernel command line asks. */
  static String installUnit() {
    return String.join("\n",
        "[Unit]",
        "Description=debforge: unattended install onto the disk debforge.install= names",
        "ConditionKernelCommandLine=debforge.install",
        "After=local-fs.target systemd-udev-settle.service",
        "Wants=systemd-udev-settle.service",
        "",
        "[Service]",
        "Type=oneshot",
        "ExecStart=/run/live/medium/debforge/install --unattended",
        "StandardOutput=journal+console",
        "StandardError=journal+console",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "");
  }

  /** The one kernel version under {@code /boot} of the live system. */
  static String kernel(Path root) throws IOException {
    List<String> versions;
    try (Stream<Path> files = Files.list(root.resolve("boot"))) {
      versions = files.map(f -> f.getFileName().toString())
          .filter(name -> name.startsWith("vmlinuz-"))
          .map(name -> name.substring("vmlinuz-".length()))
          .sorted()
          .toList();
    }
    if (versions.size() != 1) {
      throw new IOException("the live system should have one kernel in /boot, and has "
          + versions);
    }
    String kernel = versions.get(0);
    if (!Files.isRegularFile(root.resolve("boot/initrd.img-" + kernel))) {
      throw new IOException("the live system has no initramfs for its kernel " + kernel);
    }
    return kernel;
  }
}
