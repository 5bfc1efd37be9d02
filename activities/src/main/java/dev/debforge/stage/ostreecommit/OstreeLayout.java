package dev.debforge.stage.ostreecommit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Rearranges a plain root filesystem into the layout OSTree commits and deploys.
 *
 * <ul>
 *   <li>{@code /etc} moves to {@code /usr/etc}, which OSTree merges into each deployment's /etc;
 *   <li>directories that hold state become links into {@code /var} (their content is merged into
 *       the /var directory, since Debian already has some of them, e.g. {@code /var/opt});
 *   <li>{@code /boot}, {@code /tmp}, {@code /run}, {@code /dev}, {@code /proc}, {@code /sys} are
 *       emptied but kept (OSTree refuses device nodes);
 *   <li>{@code /sysroot} and the {@code /ostree → sysroot/ostree} link are added.
 * </ul>
 *
 * <p>{@code /var} itself stays in the commit: the deploy step seeds the stateroot's /var from it,
 * as bootc does, because ostree before 2024.3 does not.
 */
public final class OstreeLayout {

  /** Directory → the link that replaces it (relative to the root). */
  static final Map<String, String> STATE_LINKS = new LinkedHashMap<>();

  static {
    STATE_LINKS.put("home", "var/home");
    STATE_LINKS.put("root", "var/roothome");
    STATE_LINKS.put("opt", "var/opt");
    STATE_LINKS.put("srv", "var/srv");
    STATE_LINKS.put("mnt", "var/mnt");
    STATE_LINKS.put("media", "run/media");
    STATE_LINKS.put("usr/local", "var/usrlocal");
  }

  static final List<String> EMPTIED = List.of("boot", "tmp", "run", "dev", "proc", "sys");

  private OstreeLayout() {}

  public static void convert(Path root) throws IOException {
    Path etc = root.resolve("etc");
    Path usrEtc = root.resolve("usr/etc");
    if (Files.exists(usrEtc, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("the tree already has /usr/etc; is it converted twice?");
    }
    if (Files.isDirectory(etc, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(etc, usrEtc);
    }
    for (Map.Entry<String, String> link : STATE_LINKS.entrySet()) {
      Path dir = root.resolve(link.getKey());
      Path target = root.resolve(link.getValue());
      if (Files.isSymbolicLink(dir)) {
        continue;
      }
      if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        if (!link.getValue().startsWith("run/")) {
          Files.createDirectories(target);
          mergeInto(dir, target);
        }
        deleteTree(dir);
      }
      Files.createDirectories(dir.getParent());
      Files.createSymbolicLink(dir, dir.getParent().relativize(target));
    }
    for (String name : EMPTIED) {
      Path dir = root.resolve(name);
      if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        try (Stream<Path> entries = Files.list(dir)) {
          for (Path entry : entries.toList()) {
            deleteTree(entry);
          }
        }
      } else {
        Files.createDirectories(dir);
      }
    }
    Files.createDirectories(root.resolve("sysroot"));
    Path ostree = root.resolve("ostree");
    Files.deleteIfExists(ostree);
    Files.createSymbolicLink(ostree, Path.of("sysroot/ostree"));
  }

  /** Moves the content of {@code from} into {@code to}, descending where both have a directory. */
  static void mergeInto(Path from, Path to) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
      for (Path entry : entries) {
        Path dest = to.resolve(entry.getFileName().toString());
        if (Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)
            && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          mergeInto(entry, dest);
        } else if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
          throw new IOException(
              "cannot move " + entry + " to " + dest + ": the image has both");
        } else {
          Files.move(entry, dest);
        }
      }
    }
  }

  private static void deleteTree(Path path) throws IOException {
    dev.debforge.store.Trees.delete(path);
  }
}
