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

/** {@code debforge compose RECIPE}: a recipe becomes a bootable OCI image. */
@Command(
    name = "compose",
    mixinStandardHelpOptions = true,
    description = {
      "Build a bootable Debian container image (bootc) from a recipe.",
      "Steps: debootstrap, configure, initramfs, ostree-commit, oci-export, publish;",
      "with --ostree-repo, publish-ostree too."
    })
final class ComposeCommand implements Callable<Integer> {

  @Parameters(
      paramLabel = "RECIPE",
      description = "The recipe file: YAML, or a script (recipe.js, recipe.py) that returns it,"
          + " run here for --arch.")
  Path recipe;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DEST",
      description = {
        "Where the image goes: oci-archive:FILE, oci:DIR[:TAG], docker-archive:FILE,",
        "or docker://REGISTRY/NAME:TAG (default: oci-archive:NAME.oci.tar)."
      })
  String output;

  @Option(names = "--arch", paramLabel = "ARCH[,ARCH]", description = {
      "amd64, arm64, or both as amd64,arm64 (default: every architecture the recipe lists;",
      "for a scripted recipe, this machine's). More than one makes one image index with an",
      "image per architecture."})
  String arch;

  @Mixin OstreeRepoOptions ostreeRepo = new OstreeRepoOptions();
  @Mixin BuildTimeOptions buildTime = new BuildTimeOptions();
  @Mixin RegistryOptions registry = new RegistryOptions();
  @Mixin GlobalOptions global = new GlobalOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<RecipeInput> inputs = RecipeInput.loadAll(recipe, arch, spec.commandLine().getErr());
    List<BuildRequest> requests = new ArrayList<>();
    for (RecipeInput input : inputs) {
      requests.add(ostreeRepo.applyTo(Requests.compose(input, output, buildTime, registry)));
    }
    BuildRequest request = requests.get(0);
    Requests.checkMultiArch(requests);
    Requests.checkRunnable(global, requests.stream().map(BuildRequest::architecture).toList());
    if (global.temporal == null) {
      Requests.checkImageDestination(request.destination());
      ostreeRepo.checkHere(global);
      global.openStore();
      List<String> tools = new ArrayList<>(HostTools.COMPOSE);
      tools.add("skopeo");
      try {
        HostTools.require(tools);
      } catch (HostTools.MissingToolsException e) {
        throw new UserError(e.getMessage());
      }
    }
    for (int i = 0; i < inputs.size(); i++) {
      Requests.checkLocally(global, requests.get(i), inputs.get(i), spec.commandLine().getErr());
    }
    return new BuildRunner(global, spec.commandLine().getOut(), spec.commandLine().getErr())
        .run(requests, "compose-" + inputs.get(0).recipe().name());
  }
}
