package dev.debforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.image.ImageReference;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plugin.BadInputException;
import dev.debforge.process.HostTools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  @Option(names = "--arch", paramLabel = "ARCH[,ARCH]", description = {
      "amd64, arm64, or both as amd64,arm64 (default: every architecture a YAML recipe",
      "lists, else this machine's). More than one makes one build with a child build per",
      "architecture: an image index for a compose, disks under DIR/ARCH otherwise."})
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
    List<String> archs = Requests.checkedArchs(arch);
    boolean typesGiven = spec.commandLine().getParseResult().hasMatchedOption("--type");
    boolean outputGiven = spec.commandLine().getParseResult().hasMatchedOption("--output");
    List<BuildRequest> requests = new ArrayList<>();
    String idPrefix;
    if (isRecipe(source)) {
      List<RecipeInput> inputs =
          RecipeInput.loadAll(Path.of(source), arch, spec.commandLine().getErr());
      idPrefix = (typesGiven ? "run-" : "compose-") + inputs.get(0).recipe().name();
      for (RecipeInput input : inputs) {
        requests.add(ostreeRepo.applyTo(typesGiven
            ? Requests.run(input, disks, buildTime)
            : Requests.compose(input, outputGiven ? disks.output : null, buildTime, registry)));
      }
      Requests.checkMultiArch(requests);
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
      for (String architecture : archs != null ? archs : List.of(HostTools.architecture())) {
        requests.add(Requests.build(source, architecture, disks, buildTime, registry));
      }
      idPrefix = "build";
    }
    BuildRequest request = requests.get(0);
    try (Builds.Connection connection = Builds.connect(global)) {
      String buildId = BuildRunner.start(connection.client(), requests, idPrefix, priority);
      if (global.json) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("buildId", buildId);
        json.put("kind", request.kind());
        json.put("architecture", request.architecture());
        json.put("architectures", requests.stream().map(BuildRequest::architecture).toList());
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
