package dev.debforge.stage.configure;

import java.io.IOException;
import java.nio.file.Path;

/** Paths inside an image root that cannot lead out of it. */
final class RootPath {

  private RootPath() {}

  /**
   * The host path of an absolute image path. The recipe parser already refuses {@code ..}; this
   * refuses it again, since a path that climbs out of the root must never be written.
   */
  static Path inside(Path root, String imagePath) throws IOException {
    Path resolved = root.resolve(imagePath.replaceFirst("^/+", "")).normalize();
    if (!resolved.startsWith(root)) {
      throw new IOException("path leads out of the image root: " + imagePath);
    }
    return resolved;
  }
}
