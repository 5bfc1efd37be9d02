package dev.debforge.stage.packages;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The mmdebstrap call that installs the recipe's packages on a copy of the base tree.
 *
 * <p>This is mmdebstrap's own recipe for refining a chroot it built before: {@code
 * --variant=custom} installs nothing by itself, a setup hook copies the base in, and apt runs from
 * a customize hook the way mmdebstrap runs it for {@code --include} ({@link #APT}: apt orders the
 * maintainer scripts, no recommends), inside mmdebstrap's chroot set-up (policy-rc.d, /proc and
 * /dev) and cleaned as every mmdebstrap output is (apt lists and caches, /tmp, /run). apt's
 * package archives are shared as in the base's call.
 */
public final class AptOnBase {

  static final Duration TIMEOUT = Duration.ofMinutes(60);

  /**
   * apt of the host on the chroot, as mmdebstrap runs it for {@code --include}: with mmdebstrap's
   * apt configuration (the chroot's sources and state, no recommends) and dpkg run in the
   * chroot. So downloads use the host's certificates, which apt in the base (without
   * ca-certificates) could not.
   */
  static final String APT =
      "APT_CONFIG=\"$MMDEBSTRAP_APT_CONFIG\" apt-get -o Dir::Bin::dpkg=env"
          + " -o DPkg::Options::=--unset=TMPDIR -o DPkg::Options::=dpkg"
          + " -o DPkg::Chroot-Directory=\"$1\" --yes";

  private AptOnBase() {}

  public static ToolCall call(
      PackagesOptions options, String arch, Path base, Path target, Path cache) {
    List<String> argv = new ArrayList<>();
    argv.add("mmdebstrap");
    argv.add("--mode=root");
    argv.add("--format=directory");
    argv.add("--variant=custom");
    argv.add("--architectures=" + arch);
    for (String option : options.aptOptions()) {
      argv.add("--aptopt=" + option);
    }
    argv.add("--setup-hook=cp -a --reflink=auto " + quoted(base + "/.") + " \"$1\"/");
    argv.add("--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives/");
    argv.add("--setup-hook=sync-in " + cache + " /var/cache/apt/archives/");
    if (!options.install().isEmpty()) {
      argv.add("--customize-hook=" + APT + " install " + String.join(" ", options.install()));
    }
    if (!options.remove().isEmpty()) {
      argv.add("--customize-hook=" + APT + " purge --auto-remove "
          + String.join(" ", options.remove()));
    }
    argv.add("--customize-hook=sync-out /var/cache/apt/archives " + cache);
    argv.add(options.suite());
    argv.add(target.toString());
    argv.addAll(options.sources());
    return ToolCall.of(argv, TIMEOUT)
        .withEnvironment(Map.of("INITRD", "No", "DEBIAN_FRONTEND", "noninteractive"));
  }

  /** {@code path} as one word of sh. */
  static String quoted(String path) {
    return "'" + path.replace("'", "'\\''") + "'";
  }
}
