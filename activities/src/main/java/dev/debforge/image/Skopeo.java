package dev.debforge.image;

import dev.debforge.oci.OciPlatform;
import dev.debforge.plugin.ToolCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Command lines of skopeo, which moves images between transports. */
public final class Skopeo {

  static final Duration TIMEOUT = Duration.ofMinutes(60);

  private Skopeo() {}

  /**
   * Copies an image.
   *
   * @param tlsVerify false to accept a registry without valid TLS (a registry on loopback)
   */
  public static ToolCall copy(ImageReference from, ImageReference to, boolean tlsVerify) {
    return copy(from, to, tlsVerify, null);
  }

  /**
   * Copies the image for one platform: from a multi-platform image, the entry for {@code
   * platform} is taken rather than the build host's.
   *
   * @param platform the wanted platform, or null for the host's
   */
  public static ToolCall copy(
      ImageReference from, ImageReference to, boolean tlsVerify, OciPlatform platform) {
    return copy(from, to, tlsVerify, platform, false);
  }

  /**
   * Copies an image index with every image it lists, digests unchanged: a multi-architecture
   * image stays one.
   */
  public static ToolCall copyAll(ImageReference from, ImageReference to, boolean tlsVerify) {
    return copy(from, to, tlsVerify, null, true);
  }

  private static ToolCall copy(
      ImageReference from, ImageReference to, boolean tlsVerify, OciPlatform platform,
      boolean all) {
    List<String> argv = new ArrayList<>(List.of("skopeo"));
    if (platform != null) {
      argv.add("--override-os=" + platform.os());
      argv.add("--override-arch=" + platform.architecture());
      if (platform.variant() != null) {
        argv.add("--override-variant=" + platform.variant());
      }
    }
    argv.add("copy");
    argv.add("--quiet");
    if (all) {
      argv.add("--all");
      argv.add("--preserve-digests");
    }
    if (!tlsVerify) {
      if (from.transport() == ImageReference.Transport.DOCKER) {
        argv.add("--src-tls-verify=false");
      }
      if (to.transport() == ImageReference.Transport.DOCKER) {
        argv.add("--dest-tls-verify=false");
      }
    }
    argv.add(from.toString());
    argv.add(to.toString());
    return ToolCall.of(argv, TIMEOUT);
  }

  /** Reads an image's manifest and config summary as JSON. */
  public static ToolCall inspect(ImageReference image, boolean tlsVerify) {
    List<String> argv = new ArrayList<>(List.of("skopeo", "inspect"));
    if (!tlsVerify && image.transport() == ImageReference.Transport.DOCKER) {
      argv.add("--tls-verify=false");
    }
    argv.add(image.toString());
    return ToolCall.of(argv, Duration.ofMinutes(5));
  }
}
