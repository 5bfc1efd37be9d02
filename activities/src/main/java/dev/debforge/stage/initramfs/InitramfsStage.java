package dev.debforge.stage.initramfs;

import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolCall;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code initramfs}: puts the kernel where OSTree and bootc expect it and builds its initramfs.
 *
 * <p>On a copy of the tree: the image's one kernel is copied from {@code /boot/vmlinuz-KVER} to
 * {@code /usr/lib/modules/KVER/vmlinuz}; dracut (run in the image with chroot) builds
 * {@code /usr/lib/modules/KVER/initramfs.img} with the OSTree module (compressed by the image's
 * pigz); the initramfs is checked to contain {@code ostree-prepare-root} and its systemd unit
 * (read on the host by {@link InitramfsListing}; by lsinitrd in the image when a dracut.conf.d
 * chose a compression other than gzip); then {@code /boot} is emptied and the {@code /vmlinuz}
 * and {@code /initrd.img} links are removed, since OSTree owns /boot.
 *
 * <p>dracut is not run again for a tree whose dracut inputs ({@link DracutInputs}) are those of an
 * archive it wrote before on this host: that archive is taken from the {@link InitramfsCache}.
 * Adding a package no dracut module names to a recipe, or changing a file dracut does not read
 * (a motd, a kernel argument), keeps the initramfs, with the files dracut would write again; a
 * changed user or hostname does not (dracut reads passwd, group and hostname).
 *
 * <p>Facts: {@code kernel} (the kernel version), {@code initramfs} ({@code built} or {@code
 * reused}).
 */
public final class InitramfsStage implements Stage<InitramfsOptions> {

  public static final String ID = "initramfs";

  /** What the initramfs must contain to boot an OSTree deployment. */
  public static final List<String> REQUIRED =
      List.of(
          "usr/lib/ostree/ostree-prepare-root",
          "etc/systemd/system/initrd-root-fs.target.wants/ostree-prepare-root.service");

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 2;
  }

  @Override
  public Class<InitramfsOptions> optionsType() {
    return InitramfsOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, InitramfsOptions options) throws Exception {
    Path root = context.output();
    context.progress("copying the root filesystem");
    context.tools().run(Trees.copy(context.input("tree"), root, false));
    String kver = kernelVersion(root);
    Path modules = root.resolve("usr/lib/modules").resolve(kver);
    Path vmlinuz = root.resolve("boot/vmlinuz-" + kver);
    if (Files.isRegularFile(vmlinuz)) {
      Files.copy(vmlinuz, modules.resolve("vmlinuz"), StandardCopyOption.REPLACE_EXISTING);
    } else if (!Files.isRegularFile(modules.resolve("vmlinuz"))) {
      throw new BadInputException(
          "the image has modules for kernel " + kver + " but no /boot/vmlinuz-" + kver,
          "install the kernel with its image package (kernel.package in the recipe)");
    }
    Path image = root.resolve(Dracut.initramfsPath(kver).substring(1));
    ToolCall dracut = Dracut.build(root, kver, options.modules(), options.sourceDateEpoch());
    InitramfsCache cache = new InitramfsCache(
        context.sharedCache("initramfs-" + context.architecture()), dracutCall(dracut));
    if (reused(context, cache, root, kver, image)) {
      context.progress("the initramfs of kernel " + kver + " is the one dracut wrote before: "
          + "nothing it reads has changed");
      emptyBoot(root);
      return new StageOutput(Map.of("kernel", kver, "initramfs", "reused"));
    }
    context.progress("dracut for kernel " + kver + " with " + options.modules());
    context.tools().run(dracut);
    Optional<Map<String, InitramfsListing.Entry>> entries;
    try {
      entries = InitramfsListing.entries(image);
    } catch (InitramfsListing.Malformed e) {
      // The same tree and options make the same file again: not worth another try.
      throw new BadInputException(
          "dracut wrote an initramfs for kernel " + kver + " that the kernel cannot unpack: "
              + e.getMessage(),
          "check the dracut configuration the recipe adds (files under /etc/dracut.conf.d)");
    }
    List<String> missing =
        entries.isPresent()
            ? missingFrom(entries.get().keySet())
            : missingFrom(context.tools().run(Dracut.list(root, kver)).stdout());
    if (!missing.isEmpty()) {
      throw new BadInputException(
          "the initramfs of kernel " + kver + " lacks " + String.join(", ", missing),
          "install ostree-boot, which ships dracut's ostree module");
    }
    if (entries.isPresent()) {
      try {
        List<String> included = InitramfsListing.text(image, "usr/lib/dracut/modules.txt")
            .map(text -> List.of(text.strip().split("\\s+"))).orElse(List.of());
        cache.keep(root, kver, image, DracutInputs.record(root, entries.get(), included));
      } catch (IOException e) {
        // The archive is made; only a later build's shortcut is lost.
        context.progress("warning: the initramfs is not kept for later builds: " + e);
      }
    }
    emptyBoot(root);
    return new StageOutput(Map.of("kernel", kver, "initramfs", "built"));
  }

  /** Whether the cache had the archive; a cache that cannot be read is as good as none. */
  private static boolean reused(
      StageContext context, InitramfsCache cache, Path root, String kver, Path image) {
    try {
      return cache.reuse(root, kver, image);
    } catch (IOException e) {
      context.progress("warning: the kept initramfs archives cannot be read, running dracut: "
          + e);
      return false;
    }
  }

  /** What the archive is a function of besides the tree: dracut's command line and epoch. */
  private static List<String> dracutCall(ToolCall dracut) {
    List<String> call = new ArrayList<>(dracut.argv().subList(2, dracut.argv().size()));
    call.add(String.valueOf(dracut.environment().get("SOURCE_DATE_EPOCH")));
    return call;
  }

  /** The one kernel version under {@code /usr/lib/modules}. */
  static String kernelVersion(Path root) throws IOException, BadInputException {
    Path modules = root.resolve("usr/lib/modules");
    List<String> versions = new ArrayList<>();
    if (Files.isDirectory(modules)) {
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(modules, Files::isDirectory)) {
        dirs.forEach(dir -> versions.add(dir.getFileName().toString()));
      }
    }
    if (versions.size() != 1) {
      throw new BadInputException(
          versions.isEmpty()
              ? "the image has no kernel: /usr/lib/modules is empty"
              : "the image has " + versions.size() + " kernels " + versions.stream().sorted()
                  .toList() + "; a bootable image needs exactly one",
          "install exactly one linux-image package (kernel.package in the recipe)");
    }
    return versions.get(0);
  }

  /** What of {@link #REQUIRED} the initramfs' paths lack. */
  public static List<String> missingFrom(Set<String> paths) {
    return REQUIRED.stream().filter(required -> !paths.contains(required)).toList();
  }

  /** What of {@link #REQUIRED} lsinitrd's listing lacks. */
  public static List<String> missingFrom(String lsinitrdListing) {
    List<String> missing = new ArrayList<>();
    for (String required : REQUIRED) {
      if (!lsinitrdListing.contains(" " + required)) {
        missing.add(required);
      }
    }
    return missing;
  }

  private static void emptyBoot(Path root) throws IOException {
    Path boot = root.resolve("boot");
    if (Files.isDirectory(boot)) {
      try (Stream<Path> entries = Files.list(boot)) {
        for (Path entry : entries.toList()) {
          Trees.delete(entry);
        }
      }
    }
    for (String link : List.of("vmlinuz", "vmlinuz.old", "initrd.img", "initrd.img.old")) {
      Path path = root.resolve(link);
      if (Files.isSymbolicLink(path) || Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(path);
      }
    }
  }
}
