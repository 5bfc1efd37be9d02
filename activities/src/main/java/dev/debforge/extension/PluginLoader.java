package dev.debforge.extension;

import dev.debforge.plugin.OutputType;
import dev.debforge.plugin.PipelineContribution;
import dev.debforge.plugin.PluginApi;
import dev.debforge.plugin.Stage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;
import org.pf4j.PluginStatusProvider;
import org.pf4j.PluginWrapper;

/**
 * Loads plugins with PF4J from plugin directories and adds their stages, output types and
 * pipeline contributions to an {@link Extensions}.
 *
 * <p>A plugin directory holds jar plugins ({@code Plugin-Id}, {@code Plugin-Version},
 * {@code Plugin-Requires}, {@code Plugin-Provider} in the manifest), zip plugins and directory
 * plugins ({@code plugin.properties}, {@code classes/}, {@code lib/}). A {@code disabled.txt} in a
 * plugin directory lists plugin ids, one a line, that are found but not started.
 *
 * <p>Every plugin stands alone: a jar that cannot be read, a plugin whose API range excludes this
 * debforge, a missing class, a start that throws, or an id that another plugin or debforge already
 * has fails that plugin only, with a {@link PluginReport} that says why; its extensions are
 * registered all or none. The plugin API and Jackson always come from debforge (parent first), so
 * a plugin that bundles its own copy still shares debforge's classes.
 */
public final class PluginLoader {

  /** Packages a plugin shares with debforge instead of loading its own copy. */
  static final List<String> SHARED_PACKAGES =
      List.of("dev.debforge.plugin.", "com.fasterxml.jackson.");

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]*");

  private PluginLoader() {}

  /**
   * Loads the plugins of these directories into {@code extensions}, in directory order and by
   * file name within a directory. A directory that does not exist holds no plugins.
   *
   * @return the PF4J manager that holds the plugins' class loaders, to unload at exit
   */
  public static PluginManager load(List<Path> directories, Extensions extensions) {
    Manager manager = new Manager(disabledIds(directories));
    for (Path directory : directories) {
      for (Path candidate : candidates(directory)) {
        extensions.report(loadOne(manager, candidate, extensions));
      }
    }
    return manager;
  }

  private static PluginReport loadOne(Manager manager, Path path, Extensions extensions) {
    String id;
    Path loadable;
    try {
      loadable = isZip(path) ? Unzipped.of(path) : path;
      id = manager.loadPlugin(loadable);
    } catch (RuntimeException | LinkageError | IOException e) {
      return failed(path.getFileName().toString(), null, null, null, path,
          "cannot be read as a plugin: " + reason(e));
    }
    PluginWrapper wrapper = manager.getPlugin(id);
    PluginDescriptor descriptor = wrapper.getDescriptor();
    String version = descriptor.getVersion();
    String provider = blankToNull(descriptor.getProvider());
    String requires = blankToNull(descriptor.getRequires());
    if (!ID.matcher(id).matches()) {
      return failed(id, version, provider, requires, path,
          "its id must be lower-case letters, digits and '-'");
    }
    if (requires != null && !compatible(manager, requires)) {
      return failed(id, version, provider, requires, path,
          "it needs the debforge plugin API " + requires + ", and this debforge has "
              + PluginApi.VERSION);
    }
    if (manager.disabled.contains(id)) {
      return new PluginReport(id, version, provider, requires, path, PluginReport.DISABLED,
          "listed in disabled.txt", List.of(), List.of(), List.of());
    }
    try {
      String pluginClass = descriptor.getPluginClass();
      if (pluginClass != null && !pluginClass.isBlank()) {
        wrapper.getPluginClassLoader().loadClass(pluginClass);
      }
    } catch (ClassNotFoundException | LinkageError e) {
      return failed(id, version, provider, requires, path,
          "its Plugin-Class " + descriptor.getPluginClass() + " cannot be loaded: " + reason(e));
    }
    manager.startPlugin(id);
    if (!wrapper.getPluginState().isStarted()) {
      Throwable why = wrapper.getFailedException();
      return failed(id, version, provider, requires, path,
          "it failed to start: " + (why == null ? wrapper.getPluginState() : reason(why)));
    }
    try {
      return register(manager, wrapper, new Origin(id, version, path), extensions, requires);
    } catch (RuntimeException | LinkageError | ClassNotFoundException e) {
      manager.stopPlugin(id);
      return failed(id, version, provider, requires, path, reason(e));
    }
  }

  /** Checks the plugin's extensions, then adds them all; throws with the reason otherwise. */
  @SuppressWarnings("rawtypes")
  private static PluginReport register(
      Manager manager, PluginWrapper wrapper, Origin origin, Extensions extensions,
      String requires) throws ClassNotFoundException {
    String id = origin.pluginId();
    // PF4J skips an extension whose class does not load and only logs it: find those first.
    Set<String> named = manager.getExtensionClassNames(id);
    for (String className : named) {
      try {
        Class.forName(className, true, wrapper.getPluginClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        throw new Refused(
            "its extension " + className + " cannot be loaded: " + reason(e));
      }
    }
    List<Stage> stages = manager.getExtensions(Stage.class, id);
    List<OutputType> types = manager.getExtensions(OutputType.class, id);
    List<PipelineContribution> contributions =
        manager.getExtensions(PipelineContribution.class, id);
    if (stages.isEmpty() && types.isEmpty() && contributions.isEmpty()) {
      throw new Refused(
          "it has no extensions (" + (named.isEmpty() ? "no META-INF/extensions.idx entries"
              : "none of " + named + " is a Stage, OutputType or PipelineContribution")
              + "); Hint: mark them @Extension and compile with PF4J's annotation processor");
    }
    Set<String> own = new HashSet<>();
    for (Stage<?> stage : stages) {
      if (!ID.matcher(stage.id()).matches()) {
        throw new Refused(
            "its stage id '" + stage.id() + "' must be lower-case letters, digits and '-'");
      }
      if (!own.add(stage.id())) {
        throw new Refused("it has two stages with the id '" + stage.id() + "'");
      }
      free(() -> extensions.checkStageFree(stage.id()));
    }
    Set<String> typeIds = new HashSet<>();
    for (OutputType type : types) {
      if (!ID.matcher(type.id()).matches()) {
        throw new Refused(
            "its output type '" + type.id() + "' must be lower-case letters, digits and '-'");
      }
      if (!typeIds.add(type.id())) {
        throw new Refused("it has two output types '" + type.id() + "'");
      }
      free(() -> extensions.checkTypeFree(type.id()));
      if (!own.contains(type.stage()) && extensions.find(type.stage()).isEmpty()) {
        throw new Refused(
            "its output type '" + type.id() + "' names the stage '" + type.stage()
                + "', which neither it nor debforge has");
      }
      if (type.input() == null || type.fileName() == null || type.directory() == null) {
        throw new Refused(
            "its output type '" + type.id() + "' must name its input, directory and file");
      }
    }
    List<String> anchors = new ArrayList<>();
    for (PipelineContribution contribution : contributions) {
      if (!own.contains(contribution.stage()) || contribution.anchor() == null) {
        throw new Refused(
            "a contribution must insert one of the plugin's own stages at an anchor; '"
                + contribution.stage() + "' at " + contribution.anchor() + " is not");
      }
      anchors.add(contribution.stage() + "@" + contribution.anchor().id());
    }
    stages.forEach(stage -> extensions.add((Stage<?>) stage, origin));
    types.forEach(type -> extensions.add(type, origin));
    contributions.forEach(contribution -> extensions.add(contribution, origin));
    PluginDescriptor descriptor = wrapper.getDescriptor();
    return new PluginReport(
        id, origin.version(), blankToNull(descriptor.getProvider()), requires, origin.path(),
        PluginReport.STARTED, null,
        stages.stream().map(s -> ((Stage<?>) s).id()).toList(),
        anchors,
        types.stream().map(OutputType::id).toList());
  }

  /** Runs a registry check, its refusal in the loader's words. */
  private static void free(Runnable check) {
    try {
      check.run();
    } catch (IllegalStateException taken) {
      throw new Refused(taken.getMessage());
    }
  }

  private static boolean compatible(PluginManager manager, String requires) {
    try {
      return manager.getVersionManager().checkVersionConstraint(PluginApi.VERSION, requires);
    } catch (RuntimeException unreadable) {
      return false;
    }
  }

  private static PluginReport failed(
      String id, String version, String provider, String requires, Path path, String reason) {
    return new PluginReport(id, version, provider, requires, path, PluginReport.FAILED, reason,
        List.of(), List.of(), List.of());
  }

  /** The exception's own words with its type, and its cause's when it wraps one. */
  static String reason(Throwable e) {
    StringBuilder text = new StringBuilder();
    Set<Throwable> seen = new HashSet<>();
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      if (text.length() > 0) {
        text.append(": ");
      }
      String message = t.getMessage();
      boolean ours = t instanceof Refused;
      text.append(ours ? "" : t.getClass().getSimpleName())
          .append(message == null ? "" : (ours ? "" : " ") + message.strip());
    }
    return text.toString();
  }

  /** The jars, zips and plugin directories of one plugin directory, by name. */
  static List<Path> candidates(Path directory) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(p -> isJar(p) || isZip(p) || Files.isDirectory(p))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static boolean isJar(Path p) {
    return Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT)
        .endsWith(".jar");
  }

  private static boolean isZip(Path p) {
    return Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT)
        .endsWith(".zip");
  }

  private static Set<String> disabledIds(List<Path> directories) {
    Set<String> ids = new HashSet<>();
    for (Path directory : directories) {
      Path list = directory.resolve("disabled.txt");
      if (Files.isRegularFile(list)) {
        try {
          Files.readAllLines(list).stream().map(String::strip)
              .filter(line -> !line.isEmpty() && !line.startsWith("#")).forEach(ids::add);
        } catch (IOException unreadable) {
          // An unreadable list disables nothing; the plugins still load.
        }
      }
    }
    return ids;
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() || text.equals("*") ? null : text.strip();
  }

  /** A plugin refused for a reason this loader states in its own words. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String reason) {
      super(reason);
    }
  }

  /** Zip plugins unpacked once per process into a temporary directory removed at exit. */
  static final class Unzipped {
    private static Path root;

    static synchronized Path of(Path zip) throws IOException {
      if (root == null) {
        root = Files.createTempDirectory("debforge-plugins-");
        Path created = root;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(created)));
      }
      String name = zip.getFileName().toString();
      Path target = root.resolve(name.substring(0, name.length() - 4));
      Files.createDirectories(target);
      try (InputStream in = Files.newInputStream(zip); ZipInputStream entries =
          new ZipInputStream(in)) {
        for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
          Path out = target.resolve(entry.getName()).normalize();
          if (!out.startsWith(target)) {
            throw new IOException("the entry " + entry.getName() + " leaves the plugin's directory");
          }
          if (entry.isDirectory()) {
            Files.createDirectories(out);
          } else {
            Files.createDirectories(out.getParent());
            Files.copy(entries, out, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      return target;
    }

    private static void deleteQuietly(Path tree) {
      try (Stream<Path> walk = Files.walk(tree)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | RuntimeException ignored) {
        // A temporary directory; the system cleans it up eventually.
      }
    }
  }

  /** PF4J's manager, loading only the paths given, sharing the API and Jackson with debforge. */
  private static final class Manager extends DefaultPluginManager {
    final Set<String> disabled;

    Manager(Set<String> disabled) {
      super(List.of());
      this.disabled = disabled;
      setSystemVersion(PluginApi.VERSION);
    }

    @Override
    protected PluginStatusProvider createPluginStatusProvider() {
      // Disabled plugins are found by the loader itself; PF4J's provider would read files from
      // the working directory.
      return new PluginStatusProvider() {
        @Override
        public boolean isPluginDisabled(String pluginId) {
          return false;
        }

        @Override
        public void disablePlugin(String pluginId) {}

        @Override
        public void enablePlugin(String pluginId) {}
      };
    }

    @Override
    protected boolean isPluginValid(PluginWrapper wrapper) {
      // The loader checks the API range itself, with a message naming both versions.
      return true;
    }

    @Override
    protected org.pf4j.PluginLoader createPluginLoader() {
      return new CompoundPluginLoader()
          .add(new JarPluginLoader(this) {
            @Override
            protected PluginClassLoader createPluginClassLoader(
                Path pluginPath, PluginDescriptor descriptor) {
              return new SharingClassLoader(pluginManager, descriptor, parent());
            }
          })
          .add(new DefaultPluginLoader(this) {
            @Override
            protected PluginClassLoader createPluginClassLoader(
                Path pluginPath, PluginDescriptor descriptor) {
              return new SharingClassLoader(pluginManager, descriptor, parent());
            }
          });
    }

    private static ClassLoader parent() {
      return PluginLoader.class.getClassLoader();
    }
  }

  /** Plugin first, except for {@link #SHARED_PACKAGES}, which always come from debforge. */
  private static final class SharingClassLoader extends PluginClassLoader {
    SharingClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
      super(manager, descriptor, parent);
    }

    @Override
    public Class<?> loadClass(String className) throws ClassNotFoundException {
      for (String shared : SHARED_PACKAGES) {
        if (className.startsWith(shared)) {
          return getParent().loadClass(className);
        }
      }
      return super.loadClass(className);
    }
  }
}
