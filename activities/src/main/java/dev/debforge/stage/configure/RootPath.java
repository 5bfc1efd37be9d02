package dev.debforge.stage.configure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/** Paths inside an image root that cannot lead out of it. */
public final class RootPath {

  private static final int MAX_LINKS = 40;

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

  /**
   * The host path of an image path with every symbolic link on the way resolved as the image
   * would resolve it: an absolute target starts again at the root, never at the host's /. An
   * ostree deployment's {@code /home} is a link to {@code /var/home}, for example.
   */
  public static Path follow(Path root, String imagePath) throws IOException {
    Deque<String> parts = new ArrayDeque<>();
    push(parts, imagePath);
    Path current = root;
    int links = 0;
    while (!parts.isEmpty()) {
      String part = parts.pop();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        current = current.equals(root) ? root : current.getParent();
        continue;
      }
      Path next = current.resolve(part);
      if (Files.isSymbolicLink(next)) {
        if (++links > MAX_LINKS) {
          throw new IOException("too many symbolic links in " + imagePath);
        }
        String target = Files.readSymbolicLink(next).toString();
        push(parts, target);
        if (target.startsWith("/")) {
          current = root;
        }
        continue;
      }
      current = next;
    }
    return current;
  }

  private static void push(Deque<String> parts, String path) {
    String[] split = path.split("/");
    for (int i = split.length - 1; i >= 0; i--) {
      parts.push(split[i]);
    }
  }
}
