package dev.debforge.stage.initramfs;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Command lines of dracut and lsinitrd, run inside the image with chroot. */
public final class Dracut {

  static final Duration TIMEOUT = Duration.ofMinutes(30);

  private Dracut() {}

  /**
   * Builds {@code /usr/lib/modules/KVER/initramfs.img} for a generic machine: no host-only
   * trimming, reproducible, with the requested modules.
   */
  public static ToolCall build(Path root, String kver, List<String> modules, Long epoch) {
    Map<String, String> env = new HashMap<>();
    if (epoch != null) {
      env.put("SOURCE_DATE_EPOCH", epoch.toString());
    }
    return ToolCall.of(
            List.of(
                "chroot",
                root.toString(),
                "dracut",
                "--force",
                "--no-hostonly",
                "--reproducible",
                "--add",
                String.join(" ", modules),
                "--kver",
                kver,
                initramfsPath(kver)),
            TIMEOUT)
        .withEnvironment(env);
  }

  /** Lists the initramfs' files. */
  public static ToolCall list(Path root, String kver) {
    return ToolCall.of(
        List.of("chroot", root.toString(), "lsinitrd", initramfsPath(kver)),
        Duration.ofMinutes(5));
  }

  public static String initramfsPath(String kver) {
    return "/usr/lib/modules/" + kver + "/initramfs.img";
  }
}
