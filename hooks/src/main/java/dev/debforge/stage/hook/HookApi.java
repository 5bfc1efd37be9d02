package dev.debforge.stage.hook;

import dev.debforge.stage.hook.HookRequests.OwnerRequest;
import dev.debforge.stage.hook.HookRequests.UserRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

/**
 * The one object a hook script gets, as {@code api} in both JavaScript and Python. Only the
 * members marked {@link HostAccess.Export} are visible to the script; docs/hooks.md documents
 * them.
 *
 * <p>File operations act on the image tree at once, confined to it ({@link ImageTree}). What the
 * sandboxed child cannot do itself (packages, accounts, owners, services, kernel arguments) is
 * recorded in {@link #requests()} for the parent stage to apply. Every call that changes
 * something is written to the log.
 */
public final class HookApi {

  /** Files a hook may write in total, so that a runaway loop cannot fill the build's disk. */
  static final long WRITE_LIMIT = 256L * 1024 * 1024;

  /** The largest file {@code read} returns: the text has to fit the child's heap. */
  static final long READ_LIMIT = 16L * 1024 * 1024;

  private static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]+(:[a-z0-9]+)?");
  private static final Pattern ACCOUNT = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
  private static final Pattern OWNER =
      Pattern.compile("([a-z_][a-z0-9_-]{0,31}|\\d+):([a-z_][a-z0-9_-]{0,31}|\\d+)");
  private static final List<String> UNIT_TYPES =
      List.of("service", "socket", "timer", "path", "target", "mount", "automount", "swap");
  private static final Pattern UNIT =
      Pattern.compile("[A-Za-z0-9:_.\\\\-]+(@[A-Za-z0-9:_.\\\\-]*)?");
  private static final Pattern KARG = Pattern.compile("[^\\s\"\\\\\\p{Cntrl}]+");

  /** The image's architecture in Debian's naming: {@code amd64} or {@code arm64}. */
  @HostAccess.Export public final String arch;

  /** The Debian suite of the image: {@code bookworm}, {@code trixie}, … */
  @HostAccess.Export public final String suite;

  /** Where the hook runs: {@code after-packages}, {@code before-commit} or {@code after-deploy}. */
  @HostAccess.Export public final String at;

  /** The recipe, read-only, with every default applied (the canonical JSON's structure). */
  @HostAccess.Export public final Object recipe;

  private final ImageTree tree;
  private final Consumer<String> log;
  private final List<String> install = new ArrayList<>();
  private final List<String> remove = new ArrayList<>();
  private final List<String> groups = new ArrayList<>();
  private final List<UserRequest> users = new ArrayList<>();
  private final List<OwnerRequest> owners = new ArrayList<>();
  private final List<String> enable = new ArrayList<>();
  private final List<String> disable = new ArrayList<>();
  private final List<String> kernelArgs = new ArrayList<>();
  private long written;

  HookApi(ImageTree tree, String arch, String suite, String at, Object recipe,
      Consumer<String> log) {
    this.tree = tree;
    this.arch = arch;
    this.suite = suite;
    this.at = at;
    this.recipe = recipe;
    this.log = log;
  }

  /** What the hook asked the parent to apply. */
  HookRequests requests() {
    return new HookRequests(install, remove, groups, users, owners, enable, disable, kernelArgs);
  }

  // ---- the log

  /** Writes a line to the step's log. */
  @HostAccess.Export
  public void log(Object line) {
    log.accept(String.valueOf(line));
  }

  // ---- files in the image tree

  /** The text of a file (UTF-8). */
  @HostAccess.Export
  public String read(String path) {
    Path file = tree.resolve(path);
    try {
      if (Files.size(file) > READ_LIMIT) {
        throw new HookApiException(path + ": larger than " + READ_LIMIT + " bytes, too large to read");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new HookApiException(path + ": no such file in the image");
    } catch (IOException e) {
      throw failed("read", path, e);
    }
  }

  /** Writes a file (created with mode 0644, or replaced keeping its mode). */
  @HostAccess.Export
  public void write(String path, String content) {
    put(path, content, null, false);
  }

  /** Writes a file and sets its mode: an octal string ({@code "0755"}) or a number. */
  @HostAccess.Export
  public void write(String path, String content, Value mode) {
    put(path, content, mode(mode), false);
  }

  /** Appends to a file, creating it with mode 0644 when it does not exist. */
  @HostAccess.Export
  public void append(String path, String content) {
    put(path, content, null, true);
  }

  /** Whether the path exists in the image (a dangling link does not). */
  @HostAccess.Export
  public boolean exists(String path) {
    return Files.exists(tree.resolve(path));
  }

  /** The names in a directory, sorted. */
  @HostAccess.Export
  public Object list(String path) {
    Path dir = tree.resolve(path);
    List<Object> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      entries.forEach(entry -> names.add(entry.getFileName().toString()));
    } catch (NoSuchFileException e) {
      throw new HookApiException(path + ": no such directory in the image");
    } catch (IOException e) {
      throw failed("list", path, e);
    }
    names.sort(null);
    return new ReadOnlyView.Sequence(names);
  }

  /** Creates a directory and its missing parents with mode 0755. */
  @HostAccess.Export
  public void mkdir(String path) {
    makeDirectory(path, 0755);
  }

  /** Creates a directory and its missing parents; the last one gets the mode. */
  @HostAccess.Export
  public void mkdir(String path, Value mode) {
    makeDirectory(path, mode(mode));
  }

  /** Sets the permission bits of a file or directory (following a link, as chmod does). */
  @HostAccess.Export
  public void chmod(String path, Value mode) {
    Path target = tree.resolve(path);
    int bits = mode(mode);
    try {
      Files.setAttribute(target, "unix:mode", bits);
    } catch (NoSuchFileException e) {
      throw new HookApiException(path + ": no such file in the image");
    } catch (IOException e) {
      throw failed("chmod", path, e);
    }
    log.accept("chmod " + octal(bits) + " " + path);
  }

  /**
   * Sets the owner ({@code "user:group"}, names or numbers) of a path. Names are resolved in the
   * image's own /etc/passwd and /etc/group after the hook's users are added, by the parent.
   */
  @HostAccess.Export
  public void chown(String path, String owner) {
    if (owner == null || !OWNER.matcher(owner).matches()) {
      throw new HookApiException(
          "chown " + path + ": '" + owner + "' is not user:group (names or numbers)");
    }
    Path target = tree.resolveNoFollow(path);
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new HookApiException("chown " + path + ": no such file in the image");
    }
    owners.add(new OwnerRequest(tree.imagePath(target), owner));
    log.accept("chown " + owner + " " + path + " (applied after the hook)");
  }

  /** Creates a symbolic link at {@code path} pointing to {@code target}. */
  @HostAccess.Export
  public void symlink(String target, String path) {
    if (target == null || target.isEmpty() || target.indexOf('\0') >= 0) {
      throw new HookApiException("symlink " + path + ": the target is empty");
    }
    Path link = tree.resolveNoFollow(path);
    try {
      Files.createSymbolicLink(link, Path.of(target));
    } catch (FileAlreadyExistsException e) {
      throw new HookApiException("symlink " + path + ": the path exists already; remove it first");
    } catch (NoSuchFileException e) {
      throw new HookApiException("symlink " + path + ": the parent directory does not exist");
    } catch (IOException e) {
      throw failed("symlink", path, e);
    }
    log.accept("symlink " + path + " -> " + target);
  }

  /** Removes a file, a link (not its target) or a directory with everything in it. */
  @HostAccess.Export
  public void remove(String path) {
    Path target = tree.resolveNoFollow(path);
    if (target.equals(tree.root())) {
      throw new HookApiException("remove /: a hook may not remove the image's root");
    }
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new HookApiException("remove " + path + ": no such file in the image");
    }
    try {
      deleteTree(target);
    } catch (IOException e) {
      throw failed("remove", path, e);
    }
    log.accept("remove " + path);
  }

  /** Deletes without following links and without starting a tool (chattr) from the child. */
  private static void deleteTree(Path target) throws IOException {
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
        for (Path entry : entries) {
          deleteTree(entry);
        }
      }
    }
    Files.delete(target);
  }

  // ---- requests the parent applies

  /** Asks for a package to be installed with the image's apt. */
  @HostAccess.Export
  public void installPackage(String name) {
    packages(name);
    install.add(name);
    log.accept("install package " + name + " (applied after the hook)");
  }

  /** Asks for a package to be purged with the image's apt. */
  @HostAccess.Export
  public void removePackage(String name) {
    packages(name);
    remove.add(name);
    log.accept("remove package " + name + " (applied after the hook)");
  }

  /** Asks for a systemd unit to be enabled; a bare name means {@code NAME.service}. */
  @HostAccess.Export
  public void enableService(String unit) {
    String name = unit(unit);
    enable.add(name);
    log.accept("enable " + name + " (applied after the hook)");
  }

  /** Asks for a systemd unit to be disabled. */
  @HostAccess.Export
  public void disableService(String unit) {
    String name = unit(unit);
    disable.add(name);
    log.accept("disable " + name + " (applied after the hook)");
  }

  /** Asks for a group to be added (nothing happens when it exists). */
  @HostAccess.Export
  public void addGroup(String name) {
    account(name, "group");
    groups.add(name);
    log.accept("add group " + name + " (applied after the hook)");
  }

  /** Asks for a user to be added, with a home directory and its own group, in these groups. */
  @HostAccess.Export
  public void addUser(String name, String... memberOf) {
    account(name, "user");
    List<String> list = new ArrayList<>();
    for (String group : memberOf) {
      account(group, "group");
      list.add(group);
    }
    users.add(new UserRequest(name, list));
    log.accept("add user " + name + (list.isEmpty() ? "" : " in " + String.join(",", list))
        + " (applied after the hook)");
  }

  /** Asks for a kernel argument ({@code console=ttyS0}, {@code quiet}) to be added. */
  @HostAccess.Export
  public void addKernelArg(String arg) {
    if (at.equals(HookPoint.AFTER_DEPLOY.id())) {
      throw new HookApiException("addKernelArg: the kernel's arguments are fixed once deployed;"
          + " add them in a hook at after-packages or before-commit");
    }
    if (arg == null || !KARG.matcher(arg).matches()) {
      throw new HookApiException(
          "addKernelArg: '" + arg + "' is not one kernel argument (no spaces, quotes or"
              + " backslashes)");
    }
    kernelArgs.add(arg);
    log.accept("add kernel argument " + arg + " (applied after the hook)");
  }

  // ---- helpers

  private void put(String path, String content, Integer mode, boolean append) {
    if (content == null) {
      throw new HookApiException(path + ": the content is null");
    }
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if (written + bytes.length > WRITE_LIMIT) {
      throw new HookApiException(
          path + ": a hook may write at most " + WRITE_LIMIT + " bytes in total");
    }
    Path file = tree.resolve(path);
    if (tree.isDirectory(file)) {
      throw new HookApiException(path + ": is a directory in the image");
    }
    boolean existed = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    OpenOption[] options = {
      StandardOpenOption.CREATE,
      append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
      StandardOpenOption.WRITE,
      LinkOption.NOFOLLOW_LINKS
    };
    try (OutputStream out = Files.newOutputStream(file, options)) {
      out.write(bytes);
      if (mode != null) {
        Files.setAttribute(file, "unix:mode", mode);
      } else if (!existed) {
        Files.setAttribute(file, "unix:mode", 0644);
      }
    } catch (NoSuchFileException e) {
      throw new HookApiException(path + ": the parent directory does not exist; mkdir it first");
    } catch (IOException e) {
      throw failed(append ? "append" : "write", path, e);
    }
    written += bytes.length;
    log.accept((append ? "append " : "write ") + path + " (" + bytes.length + " bytes"
        + (mode == null ? "" : ", mode " + octal(mode)) + ")");
  }

  private void makeDirectory(String path, int mode) {
    Path dir = tree.resolve(path);
    try {
      if (!tree.isDirectory(dir)) {
        Files.createDirectories(dir);
        Files.setAttribute(dir, "unix:mode", mode);
      }
    } catch (FileAlreadyExistsException e) {
      throw new HookApiException("mkdir " + path + ": exists and is not a directory");
    } catch (IOException e) {
      throw failed("mkdir", path, e);
    }
    log.accept("mkdir " + path + " (mode " + octal(mode) + ")");
  }

  private void packages(String name) {
    if (at.equals(HookPoint.AFTER_DEPLOY.id())) {
      throw new HookApiException("packages cannot change after deploy: a deployed image is"
          + " read-only; install them in a hook at after-packages or before-commit");
    }
    if (name == null || !PACKAGE.matcher(name).matches()) {
      throw new HookApiException("'" + name + "' is not a Debian package name");
    }
  }

  private static String unit(String unit) {
    if (unit == null || !UNIT.matcher(unit).matches() || unit.startsWith("-")) {
      throw new HookApiException("'" + unit + "' is not a systemd unit name (e.g. ssh,"
          + " ssh.service, fstrim.timer)");
    }
    boolean typed = UNIT_TYPES.stream().anyMatch(type -> unit.endsWith("." + type));
    return typed ? unit : unit + ".service";
  }

  private static void account(String name, String what) {
    if (name == null || !ACCOUNT.matcher(name).matches()) {
      throw new HookApiException("'" + name + "' is not a valid " + what
          + " name (lower-case letters, digits, '_' and '-', at most 32)");
    }
  }

  /** A mode from the script: an octal string such as {@code "0755"}, or a number. */
  static int mode(Value mode) {
    int bits;
    if (mode != null && mode.isString() && mode.asString().matches("[0-7]{3,4}")) {
      bits = Integer.parseInt(mode.asString(), 8);
    } else if (mode != null && mode.isNumber() && mode.fitsInInt()) {
      bits = mode.asInt();
    } else {
      throw new HookApiException("'" + mode + "' is not a mode; write an octal string such as"
          + " \"0644\" or a number such as 0o644");
    }
    if (bits < 0 || bits > 07777) {
      throw new HookApiException(octal(bits) + " is not a mode; modes go up to 07777");
    }
    return bits;
  }

  private static String octal(int mode) {
    return String.format("%04o", mode);
  }

  private static HookApiException failed(String what, String path, IOException e) {
    return new HookApiException(what + " " + path + ": " + e.getClass().getSimpleName() + ": "
        + e.getMessage());
  }
}
