package dev.debforge.example.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin's stages tested against the plugin API alone: a small StageContext over
 * directories stands in for debforge.
 */
class GreetingStageTest {

  @TempDir Path work;

  /** What debforge gives a stage, reduced to directories the test made. */
  private final class Context implements StageContext {
    final List<String> progress = new ArrayList<>();
    final Path tree = work.resolve("tree");
    final Path output = work.resolve("output");

    Context() throws IOException {
      Files.createDirectories(tree.resolve("usr/lib/modules"));
      Files.createDirectories(output);
    }

    @Override
    public Path input(String role) {
      return tree;
    }

    @Override
    public Map<String, String> facts(String role) {
      return Map.of();
    }

    @Override
    public Path output() {
      return output;
    }

    @Override
    public Path copyOfInput(String role) {
      try (Stream<Path> walk = Files.walk(tree)) {
        for (Path p : walk.toList()) {
          Path target = output.resolve(tree.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(target);
          } else {
            Files.copy(p, target);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return output;
    }

    @Override
    public Path scratch() {
      return work.resolve("scratch");
    }

    @Override
    public Path sharedCache(String name) {
      return work.resolve("cache");
    }

    @Override
    public ToolRunner tools() {
      return call -> {
        throw new AssertionError("the stage runs no tools: " + call.argv());
      };
    }

    @Override
    public void progress(String message) {
      progress.add(message);
    }

    @Override
    public String architecture() {
      return "amd64";
    }
  }

  @Test
  void writesTheGreetingIntoACopyOfTheTree() throws Exception {
    Context context = new Context();
    StageOutput output =
        new GreetingStage().run(context, new GreetingOptions("hi there"));
    Path file = context.output.resolve("usr/share/hello/greeting");
    assertEquals("hi there\n", Files.readString(file));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(Map.of("greeting", "/usr/share/hello/greeting"), output.facts());
    assertEquals(List.of("wrote /usr/share/hello/greeting"), context.progress);
  }

  @Test
  void anEmptyMessageIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new GreetingOptions(" "));
    assertEquals("hello from a debforge plugin", new GreetingOptions(null).message());
  }

  @Test
  void theFileListNamesEveryPathOfTheTree() throws Exception {
    Context context = new Context();
    StageOutput output = new FileListStage().run(context, new GreetingOptions(null));
    assertEquals(
        List.of("/usr", "/usr/lib", "/usr/lib/modules"),
        Files.readAllLines(context.output.resolve("files.txt")));
    assertEquals("3", output.facts().get("entries"));
  }
}
