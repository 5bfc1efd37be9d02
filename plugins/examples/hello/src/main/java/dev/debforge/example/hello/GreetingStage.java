package dev.debforge.example.hello;

import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.pf4j.Extension;

/**
 * {@code hello-greeting}: writes the recipe's greeting to {@code /usr/share/hello/greeting} in the
 * image, just before the OSTree commit (see {@link GreetingContribution}).
 *
 * <p>Input: {@code tree}. Output: the tree with the file added. Facts: {@code greeting}.
 */
@Extension
public final class GreetingStage implements Stage<GreetingOptions> {

  public static final String ID = "hello-greeting";
  static final String FILE = "usr/share/hello/greeting";

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
    Path root = context.copyOfInput("tree");
    Path file = root.resolve(FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, options.message() + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    context.progress("wrote /" + FILE);
    return StageOutput.of("greeting", "/" + FILE);
  }
}
