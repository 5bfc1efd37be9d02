package dev.debforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.image.ImageReference;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plugin.BadInputException;
import dev.debforge.process.HostTools;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code debforge submit}: starts a build on a Temporal service and returns its id at once. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Start a build on a Temporal service and print its id at once.",
      "A recipe (a .yaml file, or a recipe.js or recipe.py script, run here) is composed into an",
      "image, or made into disks with --type; an image (oci:, oci-archive:, docker-archive:,",
      "containers-storage:, docker://) is made into disks. Paths are the workers' paths: share",
      "them, or run the workers on this machine.",
      "Follow the build with 'debforge status', 'logs' and 'wait'."
    })
final class SubmitCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(paramLabel = "RECIPE|IMAGE", description = "A recipe file or an image reference.")
  String source;

  @Option(names = "--arch", paramLabel = "ARCH", description = "amd64 or arm64 (default: the "
      + "recipe's first architecture, or this machine's for an image).")
  String arch;

  @Option(
      names = "--priority",
      paramLabel = "1-5",
      defaultValue = "3",
      description = "Which waiting builds get a worker first: 1 first, 5 last "
          + "(default: ${DEFAULT-VALUE}).")
  int priority;

  @Mixin DiskOptions disks = new DiskOptions();
  @Mixin OstreeRepoOptions ostreeRepo = new OstreeRepoOptions();
  @Mixin BuildTimeOptions buildTime = new BuildTimeOptions();
  @Mixin RegistryOptions registry = new RegistryOptions();
  @Mixin GlobalOptions global = new GlobalOptions();
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (priority < 1 || priority > 5) {
      throw new UserError("--priority " + priority + " is out of range\nHint: use 1 (first) to 5");
    }
    Requests.checkedArch(arch);
    boolean typesGiven = spec.commandLine().getParseResult().hasMatchedOption("--type");
    boolean outputGiven = spec.commandLine().getParseResult().hasMatchedOption("--output");
    BuildRequest request;
    String idPrefix;
    if (isRecipe(source)) {
      RecipeInput input = RecipeInput.load(Path.of(source), arch, spec.commandLine().getErr());
      if (typesGiven) {
        request = Requests.run(input, disks, buildTime);
        idPrefix = "run-" + input.recipe().name();
      } else {
        request = Requests.compose(input, outputGiven ? disks.output : null, buildTime, registry);
        idPrefix = "compose-" + input.recipe().name();
      }
      request = ostreeRepo.applyTo(request);
    } else {
      if (ostreeRepo.given()) {
        throw new UserError(OstreeRepoOptions.OPTION + " publishes a composed commit, and a build"
            + " from an image composes none\nHint: submit the recipe instead of the image");
      }
      try {
        ImageReference.parse(source);
      } catch (BadInputException e) {
        throw new UserError(
            e.getMessage() + "\n(" + source + " is neither a recipe file nor an image reference)");
      }
      request =
          Requests.build(
              source, arch != null ? arch : HostTools.architecture(), disks, buildTime, registry);
      idPrefix = "build";
    }
    try (Builds.Connection connection = Builds.connect(global)) {
      String buildId = BuildRunner.start(connection.client(), request, idPrefix, priority);
      if (global.json) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("buildId", buildId);
        json.put("kind", request.kind());
        json.put("architecture", request.architecture());
        json.put("priority", priority);
        json.put("temporal", connection.target());
        spec.commandLine().getOut().println(JSON.writeValueAsString(json));
      } else {
        spec.commandLine().getOut().println(buildId);
      }
      spec.commandLine().getOut().flush();
    }
    return ExitCodes.DONE;
  }

  /** An image names its transport ({@code oci:…}, {@code docker://…}); a recipe is a path. */
  static boolean isRecipe(String source) {
    return !source.contains(":");
  }
}
