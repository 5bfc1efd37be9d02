package dev.debforge.cli;

import dev.debforge.plan.BuildRequest;
import dev.debforge.process.HostTools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code debforge run RECIPE}: compose and build in one workflow. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Compose a recipe and make disks from it in one workflow.",
      "The disks are made from the composed tree and its OSTree commit directly, without",
      "extracting the image again."
    })
final class RunCommand implements Callable<Integer> {

  /** The host tools a compose and a disk build run. */
  static final List<String> TOOLS = tools();

  @Parameters(
      paramLabel = "RECIPE",
      description = "The recipe file: YAML, or a script (recipe.js, recipe.py) that returns it,"
          + " run here for --arch.")
  Path recipe;

  @Option(names = "--arch", paramLabel = "ARCH", description = "amd64 or arm64 (default: the "
      + "recipe's first architecture; for a scripted recipe, this machine's).")
  String arch;

  @Mixin DiskOptions disks = new DiskOptions();
  @Mixin OstreeRepoOptions ostreeRepo = new OstreeRepoOptions();
  @Mixin BuildTimeOptions buildTime = new BuildTimeOptions();
  @Mixin GlobalOptions global = new GlobalOptions();
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RecipeInput input = RecipeInput.load(recipe, arch, spec.commandLine().getErr());
    String architecture = input.architecture();
    BuildCommand.requireTools(global, TOOLS);
    BuildRequest request = ostreeRepo.applyTo(Requests.run(input, disks, buildTime));
    BuildCommand.checkLocalOutput(global, disks);
    ostreeRepo.checkHere(global);
    BuildCommand.requireRequestTools(global, request, architecture);
    Requests.checkLocally(global, request, input, spec.commandLine().getErr());
    return new BuildRunner(global, spec.commandLine().getOut(), spec.commandLine().getErr())
        .run(request, architecture, "run-" + input.recipe().name());
  }

  private static List<String> tools() {
    List<String> tools = new ArrayList<>(HostTools.COMPOSE);
    tools.addAll(BuildCommand.TOOLS);
    return List.copyOf(tools);
  }
}
