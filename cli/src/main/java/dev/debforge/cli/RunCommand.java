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

  @Parameters(paramLabel = "RECIPE", description = "The recipe file (YAML).")
  Path recipe;

  @Option(names = "--arch", paramLabel = "ARCH", description = "amd64 or arm64 (default: the "
      + "recipe's first architecture).")
  String arch;

  @Mixin DiskOptions disks = new DiskOptions();
  @Mixin BuildTimeOptions buildTime = new BuildTimeOptions();
  @Mixin GlobalOptions global = new GlobalOptions();
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RecipeInput input = RecipeInput.load(recipe, arch);
    String architecture = input.architecture();
    List<String> tools = new ArrayList<>(HostTools.COMPOSE);
    tools.addAll(BuildCommand.TOOLS);
    BuildCommand.requireTools(global, tools);
    Long epoch = buildTime.epoch();
    BuildRequest request =
        BuildRequest.run(
                input.absolutePath(),
                input.text(),
                Path.of(disks.output).toAbsolutePath().toString(),
                disks.types(),
                architecture,
                epoch)
            .withDisks(disks.rootfs(), disks.sizeBytes(), disks.kernelArgs);
    request = disks.applyVerify(disks.applyConfig(request));
    if (!request.verifyFirmwares().isEmpty()) {
      BuildCommand.requireTools(global, List.of(BuildCommand.qemuFor(architecture)));
    }
    return new BuildRunner(global, spec.commandLine().getOut(), spec.commandLine().getErr())
        .run(request, architecture, "run-" + input.recipe().name());
  }
}
