package dev.debforge.oci;

import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.plugin.ToolRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Applies an image's layers, in manifest order, to a directory: the rootfs that {@code build}
 * turns into an OSTree commit.
 *
 * <h2>What is kept</h2>
 *
 * Regular files, directories, symlinks (their target text unchanged), hard links (also to files
 * of earlier layers), character and block devices and FIFOs (made with {@code mknod}, since Java
 * cannot), numeric uid and gid (never looked up in the build host's passwd; set only when the
 * extractor runs as root, since nobody else may give files away), the full mode including
 * setuid, setgid and sticky, mtimes, and xattrs from PAX {@code SCHILY.xattr.*} (and bsdtar's
 * {@code LIBARCHIVE.xattr.*}) with their exact bytes: {@code user.*} through Java, every other
 * namespace ({@code security.capability}, {@code trusted.*}) with {@code setfattr -h}. Ownership
 * is set before the mode (chown clears setuid bits) and before xattrs (chown clears file
 * capabilities). Symlinks are owned with lchown and never chmod-ed. A directory's mode and
 * mtime are set after the whole layer is written, deepest first, so a read-only directory does
 * not block its own children.
 *
 * <h2>Whiteouts</h2>
 *
 * {@code .wh.NAME} removes NAME as lower layers left it; {@code .wh..wh..opq} empties its
 * directory of lower layers' content. They are applied as they are met in the layer, in one
 * pass, but never delete what this same layer has written: the extractor remembers every path
 * the layer wrote (and their parent directories) and a whiteout only removes what is not in
 * that set. The result is the same as applying all whiteouts before the layer's entries, the
 * order OCI requires, without reading a layer twice; an opaque directory may be repopulated by
 * its own layer in any entry order. {@code .wh.*} entries are never extracted.
 *
 * <h2>Safety</h2>
 *
 * Entry names lose their {@code ./} prefixes; an absolute name or one with a {@code ..}
 * component is refused, naming the layer and the entry. Symlinks met on the way to an entry are
 * followed as the image will see them, with the root as {@code /}: an absolute target starts
 * again at the root ({@code var/run -> /run} followed by {@code var/run/x} writes the root's own
 * {@code run/x}). A target whose {@code ..} climbs above the root points out of it, and an entry
 * or a hard link going through such a symlink is refused, naming the symlink; a resolved path
 * outside the root is refused all the same, as a second line of defence. A hard link's target is
 * resolved the same way, so it cannot name a file outside the root.
 *
 * <h2>Replacing entries</h2>
 *
 * An entry whose path already exists with another type removes the old one first (a file over
 * a directory removes the directory tree); a file over a file is a new inode, so hard links of
 * the old one are left untouched. One exception, like GNU tar's {@code --keep-directory-symlink}:
 * a directory entry where a lower layer has a symlink to a directory keeps the symlink, and the
 * entry's contents go through it. Debian's merged-/usr ({@code bin -> usr/bin}) depends on it.
 * The directory entry's own mode and owner are then not applied to the symlink's target.
 *
 * <h2>Integrity</h2>
 *
 * Each layer's blob digest and diff_id are checked while it is extracted (see {@link
 * LayerStream}); when either fails, the target directory is half-written and must be discarded.
 */
public final class LayerExtractor {

  /** Receives the entries and uncompressed bytes done so far, over all layers. */
  @FunctionalInterface
  public interface Progress {
    void update(long entries, long bytes);
  }

  /**
   * What an extraction did.
   *
   * @param layers the layers applied
   * @param entries the tar entries read, whiteouts included
   * @param bytes the uncompressed bytes read
   */
  public record Result(int layers, long entries, long bytes) {}

  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";
  private static final int MAX_SYMLINKS = 40;
  private static final int BUFFER = 1 << 20;
  private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(1);
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private final ToolRunner tools;
  private final boolean setOwners;

  /** An extractor that sets owners when the process runs as root. */
  public LayerExtractor(ToolRunner tools) {
    this(tools, runsAsRoot());
  }

  /**
   * @param tools runs {@code mknod} and {@code setfattr}
   * @param setOwners whether to set uid/gid (needs root)
   */
  public LayerExtractor(ToolRunner tools, boolean setOwners) {
    this.tools = tools;
    this.setOwners = setOwners;
  }

  /** Applies every layer of {@code image} to {@code root}, lowest first. */
  public Result extract(OciImageReader image, Path root, Progress progress)
      throws IOException, OciException, ToolException {
    Files.createDirectories(root);
    long[] counters = {0, 0};
    for (int i = 0; i < image.layers().size(); i++) {
      try (LayerStream layer = image.openLayer(i)) {
        applyLayer(layer, root, counters, progress);
      }
    }
    return new Result(image.layers().size(), counters[0], counters[1]);
  }

  private void applyLayer(LayerStream layer, Path root, long[] counters, Progress progress)
      throws IOException, OciException, ToolException {
    String label = "layer " + layer.index() + " (" + layer.descriptor().digest() + ")";
    long bytesBefore = counters[1];
    try {
      PaxXattrTap tap = new PaxXattrTap(layer);
      TarArchiveInputStream tar = new TarArchiveInputStream(tap);
      new LayerRun(label, root.toRealPath(), tar, tap)
          .run(
              entries -> {
                counters[0]++;
                counters[1] = bytesBefore + layer.uncompressedBytes();
                progress.update(counters[0], counters[1]);
              });
    } catch (IOException e) {
      // A corrupt blob usually shows up as a decompression or tar error first; say so plainly.
      layer.checkBlob();
      throw new LayerReadException(
          layer.index(), layer.descriptor().digest(), label + " could not be read: "
              + e.getMessage(), e);
    }
    layer.finish();
    counters[1] = bytesBefore + layer.uncompressedBytes();
  }

  /** The state of applying one layer. */
  private final class LayerRun {
    private final String label;
    private final Path root;
    private final TarArchiveInputStream tar;
    private final PaxXattrTap tap;
    private final Set<String> written = new HashSet<>();
    private final List<Deferred> directories = new ArrayList<>();

    private record Deferred(Path path, int mode, FileTime mtime) {}

    LayerRun(String label, Path root, TarArchiveInputStream tar, PaxXattrTap tap) {
      this.label = label;
      this.root = root;
      this.tar = tar;
      this.tap = tap;
    }

    void run(java.util.function.LongConsumer afterEntry)
        throws IOException, OciException, ToolException {
      TarArchiveEntry entry;
      int ordinal = 0;
      while ((entry = tar.getNextEntry()) != null) {
        Map<String, byte[]> xattrs = tap.take(ordinal++);
        apply(entry, xattrs);
        afterEntry.accept(ordinal);
      }
      directories.sort(Comparator.comparingInt((Deferred d) -> d.path.getNameCount()).reversed());
      for (Deferred dir : directories) {
        Files.setAttribute(dir.path, "unix:mode", dir.mode, NOFOLLOW);
        setMtime(dir.path, dir.mtime, false);
      }
    }

    private void apply(TarArchiveEntry entry, Map<String, byte[]> xattrs)
        throws IOException, OciException, ToolException {
      List<String> name = components(entry.getName(), entry.getName());
      if (name.isEmpty()) {
        if (entry.isDirectory()) {
          directories.add(new Deferred(root, entry.getMode() & 07777, entry.getLastModifiedTime()));
        }
        return;
      }
      String base = name.get(name.size() - 1);
      List<String> parentNames = name.subList(0, name.size() - 1);
      if (base.startsWith(WHITEOUT)) {
        whiteout(parentNames, base, entry.getName());
        return;
      }
      Path parent = resolve(parentNames, true, entry.getName());
      ensureDirectory(parent, entry.getName());
      Path path = parent.resolve(base);
      confine(path, entry.getName());

      if (entry.isDirectory()) {
        if (Files.isSymbolicLink(path)) {
          Path through = resolve(name, true, entry.getName());
          if (Files.isDirectory(through, NOFOLLOW)) {
            markWritten(path);
            markWritten(through);
            return;
          }
        }
        if (Files.exists(path, NOFOLLOW) && !Files.isDirectory(path, NOFOLLOW)) {
          Files.delete(path);
        }
        if (!Files.exists(path, NOFOLLOW)) {
          Files.createDirectory(path);
        }
        markWritten(path);
        setOwner(path, entry);
        setXattrs(path, xattrs, false);
        directories.add(new Deferred(path, entry.getMode() & 07777, entry.getLastModifiedTime()));
      } else if (entry.isSymbolicLink()) {
        removeExisting(path);
        Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
        markWritten(path);
        setOwner(path, entry);
        setXattrs(path, xattrs, true);
        setMtime(path, entry.getLastModifiedTime(), true);
      } else if (entry.isLink()) {
        List<String> targetName = components(entry.getLinkName(), entry.getName());
        Path target = resolve(targetName, false, entry.getName());
        confine(target, entry.getName());
        if (!Files.exists(target, NOFOLLOW) || Files.isDirectory(target, NOFOLLOW)) {
          throw refused(
              entry.getName(),
              "is a hard link to '" + entry.getLinkName() + "', which is missing or a directory");
        }
        if (Files.exists(path, NOFOLLOW) && Files.isSameFile(path, target)) {
          markWritten(path);
          return;
        }
        removeExisting(path);
        Files.createLink(path, target);
        markWritten(path);
      } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
        removeExisting(path);
        List<String> argv = new ArrayList<>(List.of("mknod", path.toString()));
        if (entry.isFIFO()) {
          argv.add("p");
        } else {
          argv.add(entry.isCharacterDevice() ? "c" : "b");
          argv.add(Integer.toString(entry.getDevMajor()));
          argv.add(Integer.toString(entry.getDevMinor()));
        }
        tools.run(ToolCall.of(argv, TOOL_TIMEOUT));
        markWritten(path);
        setFileMetadata(path, entry, xattrs);
      } else if (entry.isFile()) {
        removeExisting(path);
        try (OutputStream out =
            Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(entry.getSize(), 1))];
          int n;
          while ((n = tar.read(buffer)) > 0) {
            out.write(buffer, 0, n);
          }
        }
        markWritten(path);
        setFileMetadata(path, entry, xattrs);
      } else {
        throw refused(
            entry.getName(),
            "has a tar entry type debforge does not extract (sparse, multi-volume or unknown)");
      }
    }

    private void whiteout(List<String> parentNames, String base, String entryName)
        throws IOException, OciException {
      Path dir = resolve(parentNames, true, entryName);
      if (!Files.isDirectory(dir, NOFOLLOW)) {
        return;
      }
      if (base.equals(OPAQUE)) {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
          for (Path child : children) {
            removeLower(child);
          }
        }
      } else {
        String hidden = base.substring(WHITEOUT.length());
        if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
          throw refused(entryName, "is a whiteout with no valid name");
        }
        removeLower(dir.resolve(hidden));
      }
    }

    /** Removes what lower layers left at {@code path}, keeping what this layer wrote. */
    private void removeLower(Path path) throws IOException {
      if (!Files.exists(path, NOFOLLOW)) {
        return;
      }
      if (!written.contains(key(path))) {
        deleteTree(path);
      } else if (Files.isDirectory(path, NOFOLLOW)) {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
          for (Path child : children) {
            removeLower(child);
          }
        }
      }
    }

    /**
     * Resolves names below the root, following symlinks with the root as {@code /}; the last
     * name is followed only when {@code followLast}.
     */
    private Path resolve(List<String> names, boolean followLast, String entryName)
        throws IOException, OciException {
      Deque<String> pending = new ArrayDeque<>(names);
      List<String> done = new ArrayList<>();
      String via = null;
      int links = 0;
      while (!pending.isEmpty()) {
        String name = pending.pollFirst();
        if (name.isEmpty() || name.equals(".")) {
          continue;
        }
        if (name.equals("..")) {
          if (done.isEmpty()) {
            // Entry names with ".." are refused before this, so the climb is a link target's.
            throw refused(
                entryName, "goes through the symlink " + via + ", which points out of the root");
          }
          done.remove(done.size() - 1);
          continue;
        }
        Path candidate = join(done).resolve(name);
        if ((followLast || !pending.isEmpty()) && Files.isSymbolicLink(candidate)) {
          if (++links > MAX_SYMLINKS) {
            throw refused(entryName, "goes through more than " + MAX_SYMLINKS + " symlinks");
          }
          String target = Files.readSymbolicLink(candidate).toString();
          via = "'" + root.relativize(candidate) + " -> " + target + "'";
          if (target.startsWith("/")) {
            done.clear();
          }
          String[] parts = target.split("/");
          for (int i = parts.length - 1; i >= 0; i--) {
            pending.addFirst(parts[i]);
          }
        } else {
          done.add(name);
        }
      }
      Path resolved = join(done);
      confine(resolved, entryName);
      return resolved;
    }

    private Path join(List<String> names) {
      Path path = root;
      for (String name : names) {
        path = path.resolve(name);
      }
      return path;
    }

    private void confine(Path path, String entryName) throws OciException {
      if (!path.normalize().startsWith(root)) {
        throw refused(entryName, "would be written outside the root, at " + path);
      }
    }

    private void ensureDirectory(Path dir, String entryName) throws IOException, OciException {
      Path current = root;
      for (Path name : root.relativize(dir)) {
        current = current.resolve(name);
        if (!Files.exists(current, NOFOLLOW)) {
          Files.createDirectory(current);
          markWritten(current);
        } else if (!Files.isDirectory(current, NOFOLLOW)) {
          throw refused(
              entryName,
              "needs " + root.relativize(current) + " to be a directory, but a lower entry is not");
        }
      }
    }

    private void markWritten(Path path) {
      for (Path p = path; p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
        if (!written.add(key(p))) {
          break;
        }
      }
    }

    private String key(Path path) {
      return root.relativize(path).toString();
    }

    private void removeExisting(Path path) throws IOException {
      if (Files.isDirectory(path, NOFOLLOW)) {
        deleteTree(path);
      } else {
        Files.deleteIfExists(path);
      }
    }

    /**
     * Sets owner, mode, xattrs and mtime of a file, device or FIFO that was just created (so not
     * a symlink). The JDK's no-follow attribute calls open the file first, which blocks on a FIFO
     * and may have side effects on a device; the path-based calls used here do not open it.
     */
    private void setFileMetadata(Path path, TarArchiveEntry entry, Map<String, byte[]> xattrs)
        throws IOException, ToolException {
      boolean special = entry.isFIFO() || entry.isCharacterDevice() || entry.isBlockDevice();
      setOwner(path, entry);
      Files.setAttribute(path, "unix:mode", entry.getMode() & 07777);
      setXattrs(path, xattrs, special);
      if (special) {
        // Java sets times only through an open file descriptor; touch uses utimensat.
        long seconds = entry.getLastModifiedTime().toInstant().getEpochSecond();
        tools.run(
            ToolCall.of(
                List.of("touch", "--no-dereference", "--date=@" + seconds, path.toString()),
                TOOL_TIMEOUT));
      } else {
        setMtime(path, entry.getLastModifiedTime(), false);
      }
    }

    private void setOwner(Path path, TarArchiveEntry entry) throws IOException {
      if (setOwners) {
        // With NOFOLLOW the JDK uses lchown, which is right for symlinks and harmless otherwise.
        Files.setAttribute(path, "unix:uid", (int) entry.getLongUserId(), NOFOLLOW);
        Files.setAttribute(path, "unix:gid", (int) entry.getLongGroupId(), NOFOLLOW);
      }
    }

    /**
     * Sets xattrs: {@code user.*} through Java on regular files and directories, everything
     * else (and everything on symlinks, devices and FIFOs, which Java would open) through
     * {@code setfattr -h}.
     */
    private void setXattrs(Path path, Map<String, byte[]> xattrs, boolean notOpenable)
        throws IOException, ToolException {
      for (Map.Entry<String, byte[]> xattr : xattrs.entrySet()) {
        String name = xattr.getKey();
        if (name.startsWith("user.") && !notOpenable) {
          UserDefinedFileAttributeView view =
              Files.getFileAttributeView(path, UserDefinedFileAttributeView.class, NOFOLLOW);
          view.write(name.substring("user.".length()), ByteBuffer.wrap(xattr.getValue()));
        } else {
          tools.run(
              ToolCall.of(
                  List.of(
                      "setfattr",
                      "-h",
                      "-n",
                      name,
                      "-v",
                      "0x" + HexFormat.of().formatHex(xattr.getValue()),
                      path.toString()),
                  TOOL_TIMEOUT));
        }
      }
    }

    private OciException refused(String entryName, String why) {
      return new OciException(
          label + ": entry '" + entryName + "' " + why + "; debforge refuses to extract it",
          null,
          "the image is unsafe or malformed; rebuild it so that its layers hold only relative"
              + " paths inside the image, and discard the partly extracted directory");
    }

    /** Splits an entry name, dropping {@code ./} and refusing absolute or {@code ..} names. */
    private List<String> components(String name, String entryName) throws OciException {
      if (name.startsWith("/")) {
        throw refused(entryName, "has an absolute path '" + name + "'");
      }
      List<String> names = new ArrayList<>();
      for (String part : name.split("/")) {
        if (part.isEmpty() || part.equals(".")) {
          continue;
        }
        if (part.equals("..")) {
          throw refused(entryName, "has a '..' component in '" + name + "'");
        }
        names.add(part);
      }
      return names;
    }
  }

  private static void setMtime(Path path, FileTime mtime, boolean symlink) throws IOException {
    try {
      Files.getFileAttributeView(path, BasicFileAttributeView.class, NOFOLLOW)
          .setTimes(mtime, null, null);
    } catch (IOException | UnsupportedOperationException e) {
      if (!symlink) {
        throw e;
      }
      // Some platforms cannot set a symlink's own times; its target must not be touched.
    }
  }

  private static void deleteTree(Path path) throws IOException {
    Files.walkFileTree(
        path,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            // A read-only directory cannot be emptied by a non-root user until it is writable.
            Files.setAttribute(dir, "unix:mode", 0700, NOFOLLOW);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static boolean runsAsRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
