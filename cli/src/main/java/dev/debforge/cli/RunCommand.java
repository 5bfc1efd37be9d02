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

  @Option(names = "--arch", paramLabel = "ARCH[,ARCH]", description = {
      "amd64, arm64, or both as amd64,arm64 (default: every architecture the recipe lists;",
      "for a scripted recipe, this machine's). With more than one, each architecture's disks",
      "go to DIR/ARCH."})
  String arch;

  @Mixin DiskOptions disks = new DiskOptions();
  @Mixin OstreeRepoOptions ostreeRepo = new OstreeRepoOptions();
  @Mixin BuildTimeOptions buildTime = new BuildTimeOptions();
  @Mixin GlobalOptions global = new GlobalOptions();
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<RecipeInput> inputs = RecipeInput.loadAll(recipe, arch, spec.commandLine().getErr());
    BuildCommand.requireTools(global, TOOLS);
    List<BuildRequest> requests = new ArrayList<>();
    for (RecipeInput input : inputs) {
      requests.add(ostreeRepo.applyTo(Requests.run(input, disks, buildTime)));
    }
    Requests.checkMultiArch(requests);
    Requests.checkRunnable(global, requests.stream().map(BuildRequest::architecture).toList());
    BuildCommand.checkLocalOutput(global, disks);
    ostreeRepo.checkHere(global);
    for (int i = 0; i < inputs.size(); i++) {
      BuildCommand.requireRequestTools(global, requests.get(i), inputs.get(i).architecture());
      Requests.checkLocally(global, requests.get(i), inputs.get(i), spec.commandLine().getErr());
    }
    return new BuildRunner(global, spec.commandLine().getOut(), spec.commandLine().getErr())
        .run(requests, "run-" + inputs.get(0).recipe().name());
  }

  private static List<String> tools() {
    List<String> tools = new ArrayList<>(HostTools.COMPOSE);
    tools.addAll(BuildCommand.TOOLS);
    return List.copyOf(tools);
  }
}
