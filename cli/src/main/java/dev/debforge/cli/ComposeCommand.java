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

  @Option(names = "--arch", paramLabel = "ARCH", description = "amd64 or arm64 (default: the "
      + "recipe's first architecture; for a scripted recipe, this machine's).")
  String arch;

  @Mixin OstreeRepoOptions ostreeRepo = new OstreeRepoOptions();
  @Mixin BuildTimeOptions buildTime = new BuildTimeOptions();
  @Mixin RegistryOptions registry = new RegistryOptions();
  @Mixin GlobalOptions global = new GlobalOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RecipeInput input = RecipeInput.load(recipe, arch, spec.commandLine().getErr());
    BuildRequest request =
        ostreeRepo.applyTo(Requests.compose(input, output, buildTime, registry));
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
    Requests.checkLocally(global, request, input, spec.commandLine().getErr());
    return new BuildRunner(global, spec.commandLine().getOut(), spec.commandLine().getErr())
        .run(request, input.architecture(), "compose-" + input.recipe().name());
  }
}
