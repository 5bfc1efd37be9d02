package dev.debforge.stage.debootstrap;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns {@link DebootstrapOptions} into an mmdebstrap command line. */
public final class Mmdebstrap {

  static final Duration TIMEOUT = Duration.ofMinutes(60);

  private Mmdebstrap() {}

  /**
   * The mmdebstrap call that builds the root filesystem in {@code target}.
   *
   * <p>apt's downloaded packages are kept in {@code cache} between builds: synced into the chroot
   * before anything is downloaded and back out before mmdebstrap cleans them, as mmdebstrap's
   * manual suggests. {@code INITRD=No} turns Debian's kernel-install initramfs hook into a no-op,
   * since the {@code initramfs} stage builds the one the image needs.
   */
  public static ToolCall call(DebootstrapOptions options, String arch, Path target, Path cache) {
    List<String> argv = new ArrayList<>();
    argv.add("mmdebstrap");
    argv.add("--mode=root");
    argv.add("--format=directory");
    argv.add("--variant=" + options.variant());
    argv.add("--architectures=" + arch);
    if (!options.include().isEmpty()) {
      argv.add("--include=" + String.join(",", options.include()));
    }
    for (String option : options.aptOptions()) {
      argv.add("--aptopt=" + option);
    }
    argv.add("--skip=essential/unlink");
    argv.add("--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives/");
    argv.add("--setup-hook=sync-in " + cache + " /var/cache/apt/archives/");
    argv.add("--customize-hook=sync-out /var/cache/apt/archives " + cache);
    argv.add(options.suite());
    argv.add(target.toString());
    argv.addAll(options.sources());
    return ToolCall.of(argv, TIMEOUT).withEnvironment(Map.of("INITRD", "No"));
  }
}
