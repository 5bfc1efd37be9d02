package dev.debforge.extension;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Plugins made in a test: Java sources compiled against the plugin API on the test's class path,
 * with PF4J's annotation processor (which writes {@code META-INF/extensions.idx}), packed into a
 * jar with a PF4J manifest or laid out as a directory plugin.
 */
public final class PluginJars {

  private PluginJars() {}

  /** Compiles {@code sources} (path → text) into {@code classes}. */
  public static Path compile(Path work, Map<String, String> sources, boolean processor)
      throws IOException {
    Path src = work.resolve("src");
    Path classes = work.resolve("classes");
    Files.createDirectories(classes);
    List<String> args = new ArrayList<>();
    for (Map.Entry<String, String> source : sources.entrySet()) {
      Path file = src.resolve(source.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue());
      args.add(file.toString());
    }
    String classPath = System.getProperty("java.class.path");
    List<String> options =
        new ArrayList<>(List.of("-d", classes.toString(), "-classpath", classPath,
            "--release", "17"));
    if (processor) {
      options.addAll(List.of("-processorpath", classPath,
          "-processor", "org.pf4j.processor.ExtensionAnnotationProcessor"));
    } else {
      options.add("-proc:none");
    }
    options.addAll(args);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status = javac.run(null, null, null, options.toArray(String[]::new));
    if (status != 0) {
      throw new IllegalStateException("the test plugin did not compile");
    }
    return classes;
  }

  /**
   * Packs {@code classes} into a jar plugin.
   *
   * @param leaveOut class files (paths below {@code classes}) not to pack
   */
  public static Path jar(Path classes, Path jar, Map<String, String> manifest, Set<String> leaveOut)
      throws IOException {
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
    Files.createDirectories(jar.getParent());
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream entries = new JarOutputStream(out, mf);
        Stream<Path> walk = Files.walk(classes)) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
        String name = classes.relativize(file).toString();
        if (leaveOut.contains(name)) {
          continue;
        }
        entries.putNextEntry(new JarEntry(name));
        Files.copy(file, entries);
        entries.closeEntry();
      }
    }
    return jar;
  }

  /** The manifest of a jar plugin. */
  public static Map<String, String> manifest(String id, String version, String requires) {
    return Map.of(
        "Plugin-Id", id,
        "Plugin-Version", version,
        "Plugin-Provider", "tests",
        "Plugin-Requires", requires);
  }

  /** A stage class of a test plugin that writes {@code file} with {@code text} into a copy of its input. */
  public static String stage(String pkg, String className, String id, String role, String file) {
    return """
        package %1$s;

        import dev.debforge.plugin.Stage;
        import dev.debforge.plugin.StageContext;
        import dev.debforge.plugin.StageOutput;
        import java.nio.file.Files;
        import java.nio.file.Path;
        import java.util.Map;
        import org.pf4j.Extension;

        @Extension
        public class %2$s implements Stage<%2$s.Options> {
          public record Options(String text) {}

          public String id() { return "%3$s"; }
          public int version() { return 1; }
          public Class<Options> optionsType() { return Options.class; }

          public StageOutput run(StageContext context, Options options) throws Exception {
            Path out = context.copyOfInput("%4$s").resolve("%5$s");
            Files.createDirectories(out.getParent());
            Files.writeString(out, options.text() == null ? "none" : options.text());
            return StageOutput.of("wrote", "%5$s");
          }
        }
        """.formatted(pkg, className, id, role, file);
  }
}
