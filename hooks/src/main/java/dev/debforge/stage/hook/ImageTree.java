package dev.debforge.stage.hook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Image paths of a hook, turned into host paths that cannot lead out of the image tree.
 *
 * <p>A path a hook gives must be absolute and may not contain {@code ..}. Symbolic links on the
 * way are followed as the booted image would follow them: an absolute target starts again at the
 * image's root, never at the build host's {@code /}. A relative target that climbs above the
 * image's root is refused, since it can only have been made to reach the host.
 */
final class ImageTree {

  private static final int MAX_LINKS = 40;

  private final Path root;

  ImageTree(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize().toRealPath();
  }

  Path root() {
    return root;
  }

  /** The host path of an image path, every symbolic link on the way resolved inside the tree. */
  Path resolve(String imagePath) throws HookApiException {
    return walk(imagePath, true);
  }

  /**
   * The host path of an image path whose last component is not followed when it is a symbolic
   * link (for remove, symlink and chown, which act on the link itself).
   */
  Path resolveNoFollow(String imagePath) throws HookApiException {
    return walk(imagePath, false);
  }

  private Path walk(String imagePath, boolean followLast) throws HookApiException {
    check(imagePath);
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
        if (current.equals(root)) {
          throw new HookApiException(
              imagePath + ": a symbolic link on the way leads out of the image tree");
        }
        current = current.getParent();
        continue;
      }
      Path next = current.resolve(part);
      boolean last = parts.isEmpty();
      if (Files.isSymbolicLink(next) && (followLast || !last)) {
        if (++links > MAX_LINKS) {
          throw new HookApiException(imagePath + ": too many symbolic links");
        }
        String target;
        try {
          target = Files.readSymbolicLink(next).toString();
        } catch (IOException e) {
          throw new HookApiException(imagePath + ": cannot read the link " + next + ": " + e);
        }
        push(parts, target);
        if (target.startsWith("/")) {
          current = root;
        }
        continue;
      }
      current = next;
    }
    if (!current.normalize().startsWith(root)) {
      throw new HookApiException(imagePath + ": leads out of the image tree");
    }
    return current;
  }

  /** The image path of a host path inside the tree, for log lines and listings. */
  String imagePath(Path hostPath) {
    Path relative = root.relativize(hostPath);
    return "/" + relative;
  }

  boolean isDirectory(Path hostPath) {
    return Files.isDirectory(hostPath, LinkOption.NOFOLLOW_LINKS);
  }

  private static void check(String imagePath) throws HookApiException {
    if (imagePath == null || !imagePath.startsWith("/")) {
      throw new HookApiException(
          "'" + imagePath + "' is not an absolute image path; write it from the image's /,"
              + " e.g. /etc/motd");
    }
    for (String segment : imagePath.split("/")) {
      if (segment.equals("..")) {
        throw new HookApiException(
            "'" + imagePath + "' contains '..'; hooks may not climb directories");
      }
    }
    if (imagePath.indexOf('\0') >= 0) {
      throw new HookApiException("an image path may not contain a NUL character");
    }
  }

  private static void push(Deque<String> parts, String path) {
    String[] split = path.split("/");
    for (int i = split.length - 1; i >= 0; i--) {
      parts.push(split[i]);
    }
  }
}
