package dev.debforge.oci;

import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.plugin.ToolRunner;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
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
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongConsumer;
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
 * As OCI's layer rules say, an entry replaces whatever is at its path, in a later layer or later
 * in the same layer: a directory over a directory merges (the entry's owner, mode, mtime and
 * xattrs win, the contents stay); every other pair removes the old one first, so a file,
 * symlink, hard link, device or FIFO over a directory removes the directory tree, and a
 * directory over a file makes a new directory. A file over a file is a new inode, so hard links
 * of the old one are left untouched. One exception, like GNU tar's {@code
 * --keep-directory-symlink}: a directory entry where a symlink to a directory inside the root
 * already is keeps the symlink, and the entry's contents go through it. Debian's merged-/usr
 * ({@code bin -> usr/bin}) depends on it. The directory entry's own mode and owner are then not
 * applied to the symlink's target.
 *
 * <h2>Bounds</h2>
 *
 * Before a file's data is written, the size its tar header declares is checked against two
 * bounds, so that a small compressed layer cannot fill the disk: the sum over the whole image
 * must stay under a ceiling (64 GiB unless {@code DEBFORGE_MAX_IMAGE_BYTES} or the system
 * property {@code debforge.maxImageBytes} says otherwise; see {@link Limits}), and the file must
 * fit in the space left on the target's file system. The uncompressed tar streams themselves
 * (headers and padding included) are held to the same ceiling. Runs of zeros are written as
 * holes (4 KiB blocks that are all zero are skipped), so a file of zeros takes no space.
 *
 * <h2>Integrity</h2>
 *
 * Each layer's blob is checked against its digest before it is decompressed, and again while it
 * is read; its diff_id when its end is reached, before the next layer starts (see {@link
 * LayerStream}). When a check or anything else fails, the extractor removes the target directory
 * if it was absent or empty at the start (as the stage's output always is); the stage runtime
 * discards every failed step's output as well.
 *
 * <h2>Errors</h2>
 *
 * Everything wrong with the layers (an unsafe or overlong name, a truncated or undecodable
 * stream, a malformed tar, an xattr the file system refuses, a bound passed) is an {@link
 * OciException} that names the layer by index and digest, the entry (control characters
 * escaped, long names shortened) and the problem. Failures of the host (a full disk mid-write, a
 * missing tool) stay {@link IOException} and {@link ToolException}.
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

  /**
   * How much an image may expand to.
   *
   * @param maxImageBytes the ceiling on the sum of the file sizes the layers' tar headers declare,
   *     and on the uncompressed tar streams
   */
  public record Limits(long maxImageBytes) {

    /** The environment variable that sets the ceiling: bytes, or with a K, M, G or T suffix. */
    public static final String ENV = "DEBFORGE_MAX_IMAGE_BYTES";

    /** The system property that sets the ceiling; it wins over {@link #ENV}. */
    public static final String PROPERTY = "debforge.maxImageBytes";

    /** The ceiling when neither is set: 64 GiB, far above any bootable image. */
    public static final long DEFAULT_MAX_IMAGE_BYTES = 64L << 30;

    public Limits {
      if (maxImageBytes <= 0) {
        throw new IllegalArgumentException("the image size ceiling must be positive");
      }
    }

    /**
     * The limits set by {@link #PROPERTY} or {@link #ENV}, else the defaults.
     *
     * @throws IllegalArgumentException naming the setting when its value is not a size
     */
    public static Limits fromEnvironment() {
      String property = System.getProperty(PROPERTY);
      if (property != null && !property.isBlank()) {
        return new Limits(parseSize(property, "-D" + PROPERTY));
      }
      String env = System.getenv(ENV);
      if (env != null && !env.isBlank()) {
        return new Limits(parseSize(env, ENV));
      }
      return new Limits(DEFAULT_MAX_IMAGE_BYTES);
    }

    static long parseSize(String text, String setting) {
      String value = text.trim().toUpperCase(Locale.ROOT);
      int shift = 0;
      if (!value.isEmpty()) {
        switch (value.charAt(value.length() - 1)) {
          case 'K' -> shift = 10;
          case 'M' -> shift = 20;
          case 'G' -> shift = 30;
          case 'T' -> shift = 40;
          default -> shift = 0;
        }
      }
      String digits = shift == 0 ? value : value.substring(0, value.length() - 1);
      try {
        long number = Long.parseLong(digits);
        if (number <= 0 || number > (Long.MAX_VALUE >> shift)) {
          throw new NumberFormatException();
        }
        return number << shift;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            setting + "='" + text + "' is not a size in bytes; write e.g. 68719476736 or 64G");
      }
    }
  }

  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";
  private static final int MAX_SYMLINKS = 40;
  private static final int MAX_NAME_BYTES = 255;
  private static final int MAX_PATH_BYTES = 4095;
  private static final int MAX_XATTR_NAME_BYTES = 255;
  private static final int MAX_XATTR_VALUE_BYTES = 65536;
  private static final int MAX_SHOWN_NAME = 160;
  private static final int BUFFER = 1 << 20;
  private static final int HOLE_BLOCK = 4096;
  private static final byte[] ZEROS = new byte[HOLE_BLOCK];
  private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(1);
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private static final String UNSAFE_HINT =
      "the image is unsafe or malformed; rebuild it with a tool whose layers hold only relative"
          + " paths that stay inside the image (buildah, podman, docker, debforge compose)";
  private static final String MALFORMED_HINT =
      "the layer was cut short or damaged when the image was built; rebuild the image, or"
          + " copy it again from where it was built";

  private final ToolRunner tools;
  private final boolean setOwners;
  private final Limits limits;
  private final FreeSpace freeSpace;

  /** Tells how many bytes the file system of a directory has free for this process. */
  @FunctionalInterface
  interface FreeSpace {
    long usableBytes(Path dir) throws IOException;
  }

  /** An extractor that sets owners when the process runs as root, with the configured limits. */
  public LayerExtractor(ToolRunner tools) {
    this(tools, runsAsRoot(), Limits.fromEnvironment());
  }

  /**
   * @param tools runs {@code mknod} and {@code setfattr}
   * @param setOwners whether to set uid/gid (needs root)
   */
  public LayerExtractor(ToolRunner tools, boolean setOwners) {
    this(tools, setOwners, Limits.fromEnvironment());
  }

  /**
   * @param tools runs {@code mknod} and {@code setfattr}
   * @param setOwners whether to set uid/gid (needs root)
   * @param limits how much the image may expand to
   */
  public LayerExtractor(ToolRunner tools, boolean setOwners, Limits limits) {
    this(tools, setOwners, limits, dir -> Files.getFileStore(dir).getUsableSpace());
  }

  /** As above, with the free space told by {@code freeSpace} (for tests). */
  LayerExtractor(ToolRunner tools, boolean setOwners, Limits limits, FreeSpace freeSpace) {
    this.tools = tools;
    this.setOwners = setOwners;
    this.limits = limits;
    this.freeSpace = freeSpace;
  }

  /**
   * Applies every layer of {@code image} to {@code root}, lowest first.
   *
   * @throws OciException when a layer is unsafe, malformed, does not match its digests or passes
   *     a bound; on any failure, a {@code root} that was absent or empty is removed again, and
   *     one that was not is left half-written, to be discarded
   */
  public Result extract(OciImageReader image, Path root, Progress progress)
      throws IOException, OciException, ToolException {
    boolean fresh = isAbsentOrEmpty(root);
    Files.createDirectories(root);
    Path realRoot = root.toRealPath();
    try {
      Budget budget = new Budget(realRoot);
      long[] counters = {0, 0};
      for (int i = 0; i < image.layers().size(); i++) {
        try (LayerStream layer = image.openLayer(i)) {
          layer.limit(
              limits.maxImageBytes() - counters[1],
              "what is left of the ceiling of " + describeBytes(limits.maxImageBytes())
                  + " for a whole image after the layers below it");
          applyLayer(layer, realRoot, budget, counters, progress);
        }
      }
      return new Result(image.layers().size(), counters[0], counters[1]);
    } catch (IOException | OciException | ToolException | RuntimeException e) {
      // Half an image is of no use to anyone, and may be most of a disk.
      if (fresh) {
        try {
          deleteTree(realRoot);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      throw e;
    }
  }

  private static boolean isAbsentOrEmpty(Path dir) throws IOException {
    if (!Files.exists(dir, NOFOLLOW)) {
      return true;
    }
    if (!Files.isDirectory(dir, NOFOLLOW)) {
      return false;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      return !children.iterator().hasNext();
    }
  }

  private void applyLayer(
      LayerStream layer, Path root, Budget budget, long[] counters, Progress progress)
      throws IOException, OciException, ToolException {
    String label = "layer " + layer.index() + " (" + layer.descriptor().digest() + ")";
    long bytesBefore = counters[1];
    PaxXattrTap tap = new PaxXattrTap(layer);
    TarArchiveInputStream tar = new TarArchiveInputStream(tap);
    LayerRun run = new LayerRun(label, root, tar, tap, budget);
    run.run(
        entries -> {
          counters[0]++;
          counters[1] = bytesBefore + layer.uncompressedBytes();
          progress.update(counters[0], counters[1]);
        });
    try {
      layer.finish();
    } catch (LayerStream.Unreadable e) {
      throw run.unreadable(e, "after the end of its tar archive");
    }
    counters[1] = bytesBefore + layer.uncompressedBytes();
  }

  /**
   * The bounds on what the file data may take: the image ceiling and the free space of the
   * target's file system, which is asked again only when the space counted down runs short (holes
   * and replaced files make the real use smaller than the count).
   */
  private final class Budget {
    private final Path root;
    private long declared;
    private long spaceLeft;

    Budget(Path root) throws IOException {
      this.root = root;
      this.spaceLeft = freeSpace.usableBytes(root);
    }

    /** Counts a file of {@code size} bytes, or refuses it before anything of it is written. */
    void reserve(LayerRun run, String entryName, long size) throws IOException, OciException {
      if (size > limits.maxImageBytes() - declared) {
        throw new OciException(
            run.label + ": entry '" + show(entryName) + "' declares " + describeBytes(size)
                + ", which brings the image's files to " + describeBytes(declared + size)
                + ", more than the ceiling of " + describeBytes(limits.maxImageBytes())
                + "; debforge refuses to extract it",
            null,
            "an image this large is most likely malformed or hostile; if it is not, raise the"
                + " ceiling with " + Limits.ENV + "=BYTES (or -D" + Limits.PROPERTY
                + "=BYTES) where the worker runs");
      }
      if (size > spaceLeft) {
        spaceLeft = freeSpace.usableBytes(root);
        if (size > spaceLeft) {
          throw new OciException(
              run.label + ": entry '" + show(entryName) + "' declares " + describeBytes(size)
                  + ", but the file system of " + root + " has only " + describeBytes(spaceLeft)
                  + " free",
              null,
              "free space on that file system, or give the build a store on a larger one"
                  + " (--store)");
        }
      }
      declared += size;
      spaceLeft -= size;
    }
  }

  /** The state of applying one layer. */
  private final class LayerRun {
    private final String label;
    private final Path root;
    private final TarArchiveInputStream tar;
    private final PaxXattrTap tap;
    private final Budget budget;
    /** The paths this layer wrote and their parents, relative to the root. */
    private final NavigableSet<String> written = new TreeSet<>();
    /** Directories whose mode and mtime are set at the end, by path relative to the root. */
    private final NavigableMap<String, Deferred> directories = new TreeMap<>();

    private record Deferred(Path path, int mode, FileTime mtime) {}

    LayerRun(String label, Path root, TarArchiveInputStream tar, PaxXattrTap tap, Budget budget) {
      this.label = label;
      this.root = root;
      this.tar = tar;
      this.tap = tap;
      this.budget = budget;
    }

    void run(LongConsumer afterEntry) throws IOException, OciException, ToolException {
      TarArchiveEntry entry;
      String previous = null;
      int ordinal = 0;
      while ((entry = nextEntry(previous)) != null) {
        Map<String, byte[]> xattrs = tap.take(ordinal++);
        try {
          apply(entry, xattrs);
        } catch (InvalidPathException e) {
          throw refused(
              entry.getName(), "has a name this system cannot use (" + e.getReason() + ")");
        }
        previous = entry.getName();
        afterEntry.accept(ordinal);
      }
      List<Deferred> deepestFirst = new ArrayList<>(directories.values());
      deepestFirst.sort(
          Comparator.comparingInt((Deferred d) -> d.path.getNameCount()).reversed());
      for (Deferred dir : deepestFirst) {
        // Every replacement forgets the directories below it, so each is still a directory
        // reached without a symlink; checked again since a chmod here must never follow one.
        if (Files.isDirectory(dir.path, NOFOLLOW) && dir.path.toRealPath().equals(dir.path)) {
          Files.setAttribute(dir.path, "unix:mode", dir.mode, NOFOLLOW);
          setMtime(dir.path, dir.mtime, false);
        }
      }
    }

    private TarArchiveEntry nextEntry(String previous) throws OciException {
      try {
        return tar.getNextEntry();
      } catch (IOException | RuntimeException e) {
        throw unreadable(
            e,
            previous == null
                ? "before its first entry"
                : "in the header after entry '" + show(previous) + "'");
      }
    }

    /** Reads up to {@code buffer.length} bytes of the current entry's data; -1 at its end. */
    private int readData(byte[] buffer, String entryName) throws OciException {
      try {
        int filled = 0;
        while (filled < buffer.length) {
          int n = tar.read(buffer, filled, buffer.length - filled);
          if (n < 0) {
            break;
          }
          filled += n;
        }
        return filled == 0 ? -1 : filled;
      } catch (IOException | RuntimeException e) {
        throw unreadable(e, "in the data of entry '" + show(entryName) + "'");
      }
    }

    /** A read of the layer that failed, said in plain words. */
    OciException unreadable(Exception e, String where) {
      String problem;
      String hint = MALFORMED_HINT;
      if (e instanceof LayerStream.Unreadable unreadable) {
        problem = unreadable.getMessage();
        if (unreadable.hint() != null) {
          hint = unreadable.hint();
        }
      } else if (e instanceof EOFException
          || String.valueOf(e.getMessage()).contains("Truncated TAR archive")) {
        problem = "its tar archive ends in the middle of an entry: the layer is truncated";
      } else {
        problem = "its tar archive is malformed (" + escape(String.valueOf(e.getMessage())) + ")";
      }
      return new OciException(label + ": " + problem + ", " + where, null, hint, e);
    }

    private void apply(TarArchiveEntry entry, Map<String, byte[]> xattrs)
        throws IOException, OciException, ToolException {
      String entryName = entry.getName();
      List<String> name = components(entryName, "has the name");
      if (name.isEmpty()) {
        if (entry.isDirectory()) {
          directories.put(
              "", new Deferred(root, entry.getMode() & 07777, entry.getLastModifiedTime()));
        }
        return;
      }
      String base = name.get(name.size() - 1);
      List<String> parentNames = name.subList(0, name.size() - 1);
      if (base.startsWith(WHITEOUT)) {
        whiteout(parentNames, base, entryName);
        return;
      }
      Path parent = resolve(parentNames, true, entryName);
      ensureDirectory(parent, entryName);
      Path path = parent.resolve(base);
      confine(path, entryName);

      if (entry.isDirectory()) {
        applyDirectory(entry, name, path, xattrs);
      } else if (entry.isSymbolicLink()) {
        String target = entry.getLinkName();
        checkName(target, entryName, "is a symlink to");
        remove(path);
        Files.createSymbolicLink(path, Path.of(target));
        markWritten(path);
        setOwner(path, entry);
        setXattrs(path, entryName, xattrs, true);
        setMtime(path, entry.getLastModifiedTime(), true);
      } else if (entry.isLink()) {
        List<String> targetName = components(entry.getLinkName(), "is a hard link to");
        Path target = resolve(targetName, false, entryName);
        confine(target, entryName);
        if (!Files.exists(target, NOFOLLOW) || Files.isDirectory(target, NOFOLLOW)) {
          throw refused(
              entryName,
              "is a hard link to '" + show(entry.getLinkName())
                  + "', which is missing or a directory");
        }
        if (!Files.isSymbolicLink(path)
            && Files.exists(path, NOFOLLOW)
            && Files.isSameFile(path, target)) {
          markWritten(path);
          return;
        }
        if (target.startsWith(path)) {
          throw refused(
              entryName,
              "is a hard link to '" + show(entry.getLinkName())
                  + "', inside the directory it replaces");
        }
        remove(path);
        Files.createLink(path, target);
        markWritten(path);
      } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
        remove(path);
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
        budget.reserve(this, entryName, entry.getSize());
        remove(path);
        writeFile(path, entry);
        markWritten(path);
        setFileMetadata(path, entry, xattrs);
      } else {
        throw refused(
            entryName,
            "has a tar entry type debforge does not extract (sparse, multi-volume or unknown)");
      }
    }

    /**
     * A directory entry: merges with a directory already there, goes through a symlink to a
     * directory inside the root, and replaces anything else.
     */
    private void applyDirectory(
        TarArchiveEntry entry, List<String> name, Path path, Map<String, byte[]> xattrs)
        throws IOException, OciException, ToolException {
      String entryName = entry.getName();
      if (Files.isSymbolicLink(path)) {
        Path through = insideOrNull(name, entryName);
        if (through != null && Files.isDirectory(through, NOFOLLOW)) {
          markWritten(path);
          markWritten(through);
          return;
        }
      }
      if (!Files.isDirectory(path, NOFOLLOW)) {
        remove(path);
        Files.createDirectory(path);
      }
      markWritten(path);
      setOwner(path, entry);
      setXattrs(path, entryName, xattrs, false);
      directories.put(
          key(path), new Deferred(path, entry.getMode() & 07777, entry.getLastModifiedTime()));
    }

    /** Where {@code names} lead through symlinks, or null when that is outside the root. */
    private Path insideOrNull(List<String> names, String entryName) throws IOException {
      try {
        return resolve(names, true, entryName);
      } catch (OciException outside) {
        return null;
      }
    }

    /** Writes a regular file's data, leaving holes where whole blocks are zero. */
    private void writeFile(Path path, TarArchiveEntry entry) throws IOException, OciException {
      try (FileChannel out =
          FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(entry.getSize(), 1))];
        long position = 0;
        int n;
        while ((n = readData(buffer, entry.getName())) > 0) {
          writeSkippingZeros(out, buffer, n, position);
          position += n;
        }
        if (out.size() < position) {
          // The file ends in a hole: one written byte gives it its length.
          writeFully(out, ByteBuffer.wrap(new byte[1]), position - 1);
        }
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
        remove(path);
      } else if (Files.isDirectory(path, NOFOLLOW)) {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
          for (Path child : children) {
            removeLower(child);
          }
        }
      }
    }

    /**
     * Removes whatever is at {@code path} (a directory with its tree), and forgets what this layer
     * wrote below it: its directories' deferred modes must not be applied to whatever takes their
     * place, which may be a symlink.
     */
    private void remove(Path path) throws IOException {
      if (Files.isDirectory(path, NOFOLLOW)) {
        deleteTree(path);
        String key = key(path);
        // '0' is the character after '/': the range holds exactly the paths below key.
        directories.subMap(key + "/", key + "0").clear();
        directories.remove(key);
        written.subSet(key + "/", key + "0").clear();
      } else {
        Files.deleteIfExists(path);
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
          via = "'" + show(root.relativize(candidate) + " -> " + target) + "'";
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
        throw refused(entryName, "would be written outside the root, at " + show(path.toString()));
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
              "needs '" + show(root.relativize(current).toString())
                  + "' to be a directory, but an earlier entry made it something else");
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

    /**
     * Sets owner, mode, xattrs and mtime of a file, device or FIFO that was just created (so not
     * a symlink). The JDK's no-follow attribute calls open the file first, which blocks on a FIFO
     * and may have side effects on a device; the path-based calls used here do not open it.
     */
    private void setFileMetadata(Path path, TarArchiveEntry entry, Map<String, byte[]> xattrs)
        throws IOException, OciException, ToolException {
      boolean special = entry.isFIFO() || entry.isCharacterDevice() || entry.isBlockDevice();
      setOwner(path, entry);
      Files.setAttribute(path, "unix:mode", entry.getMode() & 07777);
      setXattrs(path, entry.getName(), xattrs, special);
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
     * {@code setfattr -h}. A name or value Linux cannot hold, or one the file system refuses, is
     * the layer's fault.
     */
    private void setXattrs(
        Path path, String entryName, Map<String, byte[]> xattrs, boolean notOpenable)
        throws IOException, OciException, ToolException {
      for (Map.Entry<String, byte[]> xattr : xattrs.entrySet()) {
        String name = xattr.getKey();
        byte[] value = xattr.getValue();
        checkXattr(entryName, name, value);
        try {
          if (name.startsWith("user.") && !notOpenable) {
            UserDefinedFileAttributeView view =
                Files.getFileAttributeView(path, UserDefinedFileAttributeView.class, NOFOLLOW);
            view.write(name.substring("user.".length()), ByteBuffer.wrap(value));
          } else {
            tools.run(
                ToolCall.of(
                    List.of(
                        "setfattr",
                        "-h",
                        "-n",
                        name,
                        "-v",
                        "0x" + HexFormat.of().formatHex(value),
                        path.toString()),
                    TOOL_TIMEOUT));
          }
        } catch (FileSystemException e) {
          throw badXattr(entryName, name, value, String.valueOf(e.getReason()));
        } catch (ToolException e) {
          if (e.kind() != ToolException.Kind.EXIT_CODE) {
            throw e;
          }
          throw badXattr(entryName, name, value, e.stderrTail().strip());
        }
      }
    }

    private void checkXattr(String entryName, String name, byte[] value) throws OciException {
      int dot = name.indexOf('.');
      String namespace = dot < 0 ? "" : name.substring(0, dot);
      if (!List.of("user", "security", "trusted", "system").contains(namespace)
          || dot == name.length() - 1) {
        throw badXattr(
            entryName, name, value,
            "Linux xattr names are NAMESPACE.NAME with NAMESPACE one of user, security, trusted,"
                + " system");
      }
      if (name.indexOf('\0') >= 0
          || name.getBytes(StandardCharsets.UTF_8).length > MAX_XATTR_NAME_BYTES) {
        throw badXattr(
            entryName, name, value,
            "the name has a NUL byte or is longer than " + MAX_XATTR_NAME_BYTES + " bytes");
      }
      if (value.length > MAX_XATTR_VALUE_BYTES) {
        throw badXattr(
            entryName, name, value,
            "the value is longer than " + MAX_XATTR_VALUE_BYTES + " bytes, Linux's limit");
      }
    }

    private OciException badXattr(String entryName, String name, byte[] value, String why) {
      return new OciException(
          label + ": entry '" + show(entryName) + "' has the xattr '" + show(name) + "' ("
              + value.length + " bytes), which cannot be set: " + escape(why),
          null,
          "rebuild the image without that xattr, or extract on a file system that supports it"
              + " (xattrs outside user.* need root)");
    }

    private OciException refused(String entryName, String why) {
      return new OciException(
          label + ": entry '" + show(entryName) + "' " + why + "; debforge refuses to extract it",
          null,
          UNSAFE_HINT);
    }

    /**
     * Splits an entry name or hard link target, dropping {@code ./} and refusing absolute or
     * {@code ..} names, NUL bytes and names too long for Linux.
     *
     * @param what how the entry relates to {@code name}, for the message: "has the name", "is a
     *     hard link to"
     */
    private List<String> components(String name, String what) throws OciException {
      String entryName = tarName();
      checkName(name, entryName, what);
      if (name.startsWith("/")) {
        throw refused(
            entryName,
            what + " '" + show(name) + "', an absolute path; names in a layer are relative to"
                + " the image's root");
      }
      List<String> names = new ArrayList<>();
      for (String part : name.split("/")) {
        if (part.isEmpty() || part.equals(".")) {
          continue;
        }
        if (part.equals("..")) {
          throw refused(entryName, what + " '" + show(name) + "', which has a '..' component");
        }
        int bytes = part.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
          throw refused(
              entryName,
              what + " '" + show(name) + "', which has a component of " + bytes
                  + " bytes; Linux allows " + MAX_NAME_BYTES);
        }
        names.add(part);
      }
      return names;
    }

    /** Refuses a name or symlink target with a NUL byte or longer than Linux's PATH_MAX. */
    private void checkName(String name, String entryName, String what) throws OciException {
      if (name.indexOf('\0') >= 0) {
        throw refused(entryName, what + " '" + show(name) + "', which has a NUL byte");
      }
      int bytes = name.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_PATH_BYTES) {
        throw refused(
            entryName,
            what + " '" + show(name) + "', which is " + bytes + " bytes long; Linux allows "
                + MAX_PATH_BYTES);
      }
    }

    private String tarName() {
      TarArchiveEntry current = tar.getCurrentEntry();
      return current == null ? "" : current.getName();
    }
  }

  /** Writes {@code length} bytes at {@code position}, skipping 4 KiB blocks that are all zero. */
  static void writeSkippingZeros(FileChannel out, byte[] buffer, int length, long position)
      throws IOException {
    int run = -1;
    for (int block = 0; block < length; block += HOLE_BLOCK) {
      int size = Math.min(HOLE_BLOCK, length - block);
      boolean zero = Arrays.mismatch(buffer, block, block + size, ZEROS, 0, size) < 0;
      if (zero && run >= 0) {
        writeFully(out, ByteBuffer.wrap(buffer, run, block - run), position + run);
        run = -1;
      } else if (!zero && run < 0) {
        run = block;
      }
    }
    if (run >= 0) {
      writeFully(out, ByteBuffer.wrap(buffer, run, length - run), position + run);
    }
  }

  private static void writeFully(FileChannel out, ByteBuffer data, long position)
      throws IOException {
    long at = position;
    while (data.hasRemaining()) {
      at += out.write(data, at);
    }
  }

  /**
   * A name from the layer as it may appear in a message: control characters escaped, and cut
   * short when long, with its length.
   */
  static String show(String name) {
    String escaped = escape(name);
    if (escaped.length() <= MAX_SHOWN_NAME) {
      return escaped;
    }
    return escaped.substring(0, MAX_SHOWN_NAME) + "… (" + name.length() + " characters)";
  }

  /** Escapes control characters (C0, DEL, C1) as {@code \xNN}, and backslashes. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        out.append("\\\\");
      } else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
        out.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** A size as bytes and, when large, in GiB or MiB. */
  static String describeBytes(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format(Locale.ROOT, "%d bytes (%.1f GiB)", bytes, bytes / (double) (1L << 30));
    }
    if (bytes >= 1L << 20) {
      return String.format(Locale.ROOT, "%d bytes (%.1f MiB)", bytes, bytes / (double) (1L << 20));
    }
    return bytes + " bytes";
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
