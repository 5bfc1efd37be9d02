package dev.debforge.stage.initramfs;

import dev.debforge.store.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What dracut read from an image to build its initramfs, written down so that a later tree can be
 * compared with it: when none of it changed, dracut would write the same archive again (it runs
 * with {@code --reproducible} and a fixed epoch), and the one it wrote is used instead.
 *
 * <p>A {@link Record} is taken from the tree dracut ran in and the archive it wrote: the paths the
 * archive holds with the tree's very bytes (files and links copied in), and the directories they
 * were copied from. The digest of a tree for a record covers:
 *
 * <ul>
 *   <li>dracut and its configuration: every entry under {@code usr/lib/dracut}, {@code
 *       etc/dracut.conf.d}, and {@code usr/bin/dracut}, {@code etc/dracut.conf}, by content;
 *   <li>the kernel's modules and the firmware: every entry under {@code usr/lib/modules/KVER}
 *       (but the initramfs) and {@code usr/lib/firmware}; modules and firmware by size and time
 *       (as dpkg unpacked them), the rest (depmod's indexes, the kernel) by content;
 *   <li>the copied paths, by content: a changed library or binary the archive holds;
 *   <li>the names in each directory files were copied from, outside the search path ({@code
 *       usr/lib/udev/rules.d}, {@code usr/lib/sysctl.d}, …), where a module may take files by
 *       pattern;
 *   <li>every entry of the tree (outside {@code /proc}, {@code /sys}, {@code /dev}, {@code /run},
 *       {@code /tmp}, {@code /var}, {@code /home}, {@code /root} and documentation) whose name is a
 *       word of dracut's scripts or matches one of their file name patterns: what a module's
 *       check or install looks for by name ({@code lvm}, {@code cryptsetup}, a udev rule, a
 *       unit, {@code libnss_*.so*}), in the archive or not yet; and for such a directory outside
 *       the search path, the names in it ({@code modules-load.d}, {@code modprobe.d}: a module
 *       takes their {@code *.conf}), even when it was empty;
 *   <li>{@code etc/ld.so.preload}, which the dynamic loader dracut runs reads.
 * </ul>
 *
 * <p>So a package that brings a binary no dracut module names (htop) keeps the archive, and one
 * that a module would take (lvm2, cryptsetup, a firmware, a kernel module, a sysctl file) or a
 * changed library the archive holds builds it again. {@code etc/ld.so.cache} is left out: dracut
 * writes the archive's own, and what it resolves to are copied files. Owners and modes are part
 * of every entry.
 */
public final class DracutInputs {

  /** Where dracut finds what it takes by name; their other entries do not matter. */
  private static final Set<String> SEARCH_PATH =
      Set.of(
          "", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc", "var", "usr", "usr/bin",
          "usr/sbin", "usr/lib", "usr/lib32", "usr/lib64", "usr/libx32", "usr/libexec",
          "usr/share", "usr/local", "usr/local/bin", "usr/local/sbin", "usr/local/lib");

  /** Never read by dracut's modules, or covered on their own. */
  private static final Set<String> NOT_WALKED =
      Set.of(
          "proc", "sys", "dev", "run", "tmp", "var", "home", "root", "mnt", "media", "srv",
          "usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale",
          "usr/lib/modules", "usr/lib/firmware", "usr/lib/dracut");

  /** The version of what {@link #record} keeps and {@link #digest} covers; part of the key. */
  static final String FORMAT = "dracut-inputs 2";

  private static final String GENERATED = "etc/ld.so.cache";
  /** A module's check function, as dracut's module-setup.sh files write it. */
  private static final Pattern CHECK = Pattern.compile("(?ms)^check\\(\\)\\s*\\{.*?^\\}");
  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.+@-]{2,}");
  /**
   * A file name pattern with a literal start, as inst_libdir_file takes ({@code libnss_*.so*});
   * or a path's last part ({@code /sbin/fsck*}); not a directory in a path ({@code lib*} in
   * {@code /usr/lib*}{@code /ld-*.so}).
   */
  private static final Pattern GLOB = Pattern.compile(
      "(?<![A-Za-z0-9_.+@*-])[A-Za-z0-9_.+@-]{3,}\\*[A-Za-z0-9_.+@*-]*(?![/A-Za-z0-9_.+@*-])");

  private DracutInputs() {}

  /**
   * What of an archive is compared with a later tree.
   *
   * @param copied paths the archive holds with the bytes the tree had, sorted
   * @param directories the directories files were copied from, outside the search path, sorted
   * @param modules the dracut modules in the archive ({@code usr/lib/dracut/modules.txt}); empty
   *     when not known
   */
  public record Record(List<String> copied, List<String> directories, List<String> modules) {
    public Record {
      copied = List.copyOf(copied);
      directories = List.copyOf(directories);
      modules = modules == null ? List.of() : List.copyOf(modules);
    }
  }

  /**
   * The record of the archive dracut wrote from {@code root}, whose entries and dracut modules
   * are given.
   */
  public static Record record(
      Path root, Map<String, InitramfsListing.Entry> archive, List<String> modules)
      throws IOException {
    List<String> copied = new ArrayList<>();
    Set<String> directories = new TreeSet<>();
    for (Map.Entry<String, InitramfsListing.Entry> entry : archive.entrySet()) {
      String path = entry.getKey();
      InitramfsListing.Entry member = entry.getValue();
      Path inTree = root.resolve(path);
      if (path.equals(GENERATED) || !(member.regular() || member.link())) {
        continue;
      }
      boolean same = member.link()
          ? Files.isSymbolicLink(inTree)
              && Files.readSymbolicLink(inTree).toString().equals(member.content())
          : Files.isRegularFile(inTree, LinkOption.NOFOLLOW_LINKS)
              && sha256(inTree).equals(member.content());
      if (!same) {
        continue;
      }
      copied.add(path);
      int slash = path.lastIndexOf('/');
      String parent = slash < 0 ? "" : path.substring(0, slash);
      if (!SEARCH_PATH.contains(parent) && !tripletDirectory(parent)
          && !coveredApart(parent)) {
        directories.add(parent);
      }
    }
    return new Record(copied, List.copyOf(directories), modules);
  }

  /** Directories whose every entry the digest covers anyway. */
  private static boolean coveredApart(String path) {
    return path.startsWith("usr/lib/modules/") || path.startsWith("usr/lib/firmware")
        || path.startsWith("usr/lib/dracut");
  }

  /** The digest of what of {@code root} dracut could read for {@code kver}, by {@code record}. */
  public static String digest(Path root, String kver, Record record) throws IOException {
    MessageDigest sha = Sha256.newDigest();
    lines(root, kver, record).forEach((key, value) -> sha.update(
        (key + " " + value + "\n").getBytes(StandardCharsets.UTF_8)));
    return HexFormat.of().formatHex(sha.digest());
  }

  /** What {@link #digest} covers, a line each: what the entry is, and how it is now. */
  static TreeMap<String, String> lines(Path root, String kver, Record record)
      throws IOException {
    TreeMap<String, String> lines = new TreeMap<>();
    for (String place : List.of("usr/lib/dracut", "etc/dracut.conf.d", "usr/bin/dracut",
        "etc/dracut.conf", "etc/ld.so.preload")) {
      walk(root, root.resolve(place), Set.of(), path -> true, lines, "dracut ");
    }
    Path modules = root.resolve("usr/lib/modules").resolve(kver);
    walk(root, modules, Set.of(modules.resolve("initramfs.img")), path -> true, lines, "kernel ");
    walk(root, root.resolve("usr/lib/firmware"), Set.of(), path -> true, lines, "kernel ");
    for (String path : record.copied()) {
      lines.put("copied " + path, describe(root, path));
    }
    for (String path : record.directories()) {
      lines.put("names " + path, listing(root.resolve(path)));
    }
    Names names = scriptNames(root, record.modules());
    Set<Path> notWalked = new HashSet<>();
    NOT_WALKED.forEach(path -> notWalked.add(root.resolve(path)));
    notWalked.add(root.resolve(GENERATED));
    Map<String, String> named = new TreeMap<>();
    walk(root, root, notWalked, path -> names.match(path.getFileName().toString()), named, "");
    for (Map.Entry<String, String> entry : named.entrySet()) {
      String path = entry.getKey();
      lines.put("named " + path, entry.getValue());
      Path directory = root.resolve(path);
      if (!SEARCH_PATH.contains(path) && !tripletDirectory(path)
          && Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
        // A module may take what such a directory holds by pattern (modules-load.d/*.conf).
        lines.put("in " + path, listing(directory));
      }
    }
    return lines;
  }

  /** The words and file name patterns of dracut's scripts: every name a module may look for. */
  record Names(Set<String> words, List<Pattern> patterns) {
    boolean match(String name) {
      if (words.contains(name)) {
        return true;
      }
      for (Pattern pattern : patterns) {
        if (pattern.matcher(name).matches()) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * The words and patterns of dracut's own scripts, of the modules in the archive, and of the
   * {@code check()} of the others (what decides whether they come in); of every script whole
   * when the archive's modules are not known.
   */
  static Names scriptNames(Path root, List<String> modules) throws IOException {
    Set<String> words = new HashSet<>();
    Set<String> globs = new TreeSet<>();
    Path dracut = root.resolve("usr/lib/dracut");
    Path modulesDir = dracut.resolve("modules.d");
    List<Path> scripts = new ArrayList<>();
    if (Files.isDirectory(dracut)) {
      try (Stream<Path> files = Files.walk(dracut)) {
        files.filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
            .forEach(scripts::add);
      }
    }
    Path main = root.resolve("usr/bin/dracut");
    if (Files.isRegularFile(main, LinkOption.NOFOLLOW_LINKS)) {
      scripts.add(main);
    }
    for (Path script : scripts) {
      String text = new String(Files.readAllBytes(script), StandardCharsets.ISO_8859_1);
      if (!modules.isEmpty() && script.startsWith(modulesDir)) {
        String module = modulesDir.relativize(script).getName(0).toString()
            .replaceFirst("^[0-9]+", "");
        if (!modules.contains(module)) {
          if (!script.getFileName().toString().equals("module-setup.sh")) {
            continue;
          }
          Matcher check = CHECK.matcher(text);
          if (check.find()) {
            add(WORD, check.group(), words);
            continue;
          }
        }
      }
      add(WORD, text, words);
      add(GLOB, text, globs);
    }
    List<Pattern> patterns = new ArrayList<>();
    for (String glob : globs) {
      patterns.add(Pattern.compile(Pattern.quote(glob).replace("*", "\\E.*\\Q")));
    }
    return new Names(words, patterns);
  }

  private static void add(Pattern pattern, String text, Set<String> into) {
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      into.add(matcher.group());
    }
  }

  private static boolean tripletDirectory(String path) {
    return path.matches("(usr/)?lib/[a-z0-9_]+-linux-gnu[a-z0-9_]*");
  }

  /** Adds a line for every entry under {@code start} (itself included) that is wanted. */
  private static void walk(Path root, Path start, Set<Path> skipped, Predicate<Path> wanted,
      Map<String, String> lines, String prefix) throws IOException {
    if (!Files.exists(start, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(start, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes)
          throws IOException {
        if (skipped.contains(dir)) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        add(dir);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
          throws IOException {
        if (!skipped.contains(file)) {
          add(file);
        }
        return FileVisitResult.CONTINUE;
      }

      private void add(Path path) throws IOException {
        if (!path.equals(root) && wanted.test(path)) {
          String relative = root.relativize(path).toString();
          lines.put(prefix + relative, describe(root, relative));
        }
      }
    });
  }

  /**
   * An entry as the digest sees it: type, mode, owner, and its content (a file's SHA-256, or
   * size and time for a kernel module or firmware; a link's target).
   */
  static String describe(Path root, String relative) throws IOException {
    Path path = root.resolve(relative);
    Map<String, Object> attributes;
    try {
      attributes = Files.readAttributes(path, "unix:mode,uid,gid,size,lastModifiedTime",
          LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return "absent";
    }
    int mode = (Integer) attributes.get("mode");
    String owner = Integer.toOctalString(mode) + " " + attributes.get("uid") + ":"
        + attributes.get("gid");
    if (Files.isSymbolicLink(path)) {
      return owner + " -> " + Files.readSymbolicLink(path);
    }
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      return owner;
    }
    if (byTime(relative)) {
      return owner + " " + attributes.get("size") + " bytes of "
          + ((FileTime) attributes.get("lastModifiedTime")).toInstant();
    }
    return owner + " " + sha256(path);
  }

  /** A small file's SHA-256, read through a heap buffer (a direct one costs more to allocate). */
  static String sha256(Path file) throws IOException {
    MessageDigest sha = Sha256.newDigest();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        sha.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static boolean byTime(String relative) {
    return relative.startsWith("usr/lib/firmware/")
        || relative.matches("usr/lib/modules/.*\\.ko(\\.(xz|zst|gz))?");
  }

  private static String listing(Path directory) throws IOException {
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      return "not a directory";
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return String.join(" ", entries.map(path -> path.getFileName().toString()).sorted()
          .toList());
    }
  }
}
