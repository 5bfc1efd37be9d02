package dev.debforge.example.hello;

import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.pf4j.Extension;

/**
 * {@code hello-file-list}: lists every path of the image's root file system, sorted, one a line,
 * in {@code files.txt}: the file of the output type {@code file-list}.
 *
 * <p>Input: {@code tree}. Facts: {@code entries}.
 */
@Extension
public final class FileListStage implements Stage<GreetingOptions> {

  public static final String ID = "hello-file-list";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public Class<GreetingOptions> optionsType() {
    return GreetingOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, GreetingOptions options) throws Exception {
    Path root = context.input("tree");
    List<String> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.filter(p -> !p.equals(root))
          .map(p -> "/" + root.relativize(p))
          .sorted()
          .toList();
    }
    Files.write(context.output().resolve("files.txt"), paths);
    context.progress(paths.size() + " paths listed");
    return StageOutput.of("entries", Integer.toString(paths.size()));
  }
}
