package dev.debforge.activity;

import dev.debforge.plan.AptSources;
import dev.debforge.plan.BuildPlan;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plan.ComposePlan;
import dev.debforge.plan.PlanBuilder;
import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.process.ProcessRunner;
import dev.debforge.recipe.FileEntry;
import dev.debforge.recipe.Recipe;
import dev.debforge.recipe.RecipeException;
import dev.debforge.recipe.RecipeParser;
import dev.debforge.stage.configure.ConfigureOptions.FileSpec;
import dev.debforge.store.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Supplier;

/** Computes build plans on the worker, where the recipe's files and the host's apt are. */
public final class PlanActivitiesImpl implements PlanActivities {

  private final StageRegistry registry;
  private final Supplier<List<String>> hostArchives;

  public PlanActivitiesImpl(StageRegistry registry) {
    this(registry, PlanActivitiesImpl::hostArchiveUris);
  }

  PlanActivitiesImpl(StageRegistry registry, Supplier<List<String>> hostArchives) {
    this.registry = registry;
    this.hostArchives = hostArchives;
  }

  @Override
  public BuildPlan plan(BuildRequest request) {
    try {
      return switch (request.kind()) {
        case "compose" -> compose(request);
        default ->
            throw new BadInputException(
                "unknown build kind '" + request.kind() + "'", "use compose, build or run");
      };
    } catch (Exception e) {
      throw Failures.toFailure("plan", e);
    }
  }

  private BuildPlan compose(BuildRequest request) throws BadInputException, IOException {
    Recipe recipe = parse(request);
    String arch = architecture(recipe, request);
    Path recipeDir = Path.of(request.recipePath()).toAbsolutePath().getParent();
    PlanBuilder plan = new PlanBuilder(arch, id -> registry.get(id).version());
    List<String> sources =
        AptSources.lines(
            recipe.base().suite(),
            recipe.base().components(),
            recipe.base().effectiveMirror().orElse(null),
            recipe.base().effectiveMirror().isPresent() ? List.of() : hostArchives.get());
    ComposePlan.Steps steps =
        ComposePlan.add(
            plan, recipe, arch, sources, files(recipe, recipeDir), request.sourceDateEpoch());
    if (request.destination() != null) {
      ComposePlan.publish(
          plan, steps.image(), recipe, request.destination(), request.tlsVerify());
    }
    return plan.build(recipe.name() + " for " + arch);
  }

  /** Parses the recipe text the client sent; errors name the recipe file. */
  public static Recipe parse(BuildRequest request) throws BadInputException {
    try {
      return new RecipeParser().parse(request.recipeText(), request.recipePath());
    } catch (RecipeException e) {
      throw new BadInputException(e.getMessage(), null);
    }
  }

  /** The architecture to build: the one asked for, which the recipe must list, or its first. */
  public static String architecture(Recipe recipe, BuildRequest request)
      throws BadInputException {
    String arch = request.architecture();
    if (arch == null) {
      return recipe.architectures().get(0);
    }
    if (!recipe.architectures().contains(arch)) {
      throw new BadInputException(
          request.recipePath() + ": the recipe is for " + recipe.architectures() + ", not " + arch,
          "add " + arch + " to its architectures, or build one of those");
    }
    return arch;
  }

  private static List<FileSpec> files(Recipe recipe, Path recipeDir)
      throws BadInputException, IOException {
    List<FileSpec> files = new ArrayList<>();
    for (FileEntry entry : recipe.files()) {
      String source = null;
      String sha = null;
      if (entry.source() != null) {
        Path path;
        try {
          path = entry.resolveSource(recipeDir);
        } catch (RuntimeException e) {
          throw new BadInputException("files: " + entry.path() + ": " + e.getMessage(), null);
        }
        if (!Files.isRegularFile(path)) {
          throw new BadInputException(
              "files: " + entry.path() + ": source " + path + " is not a readable file",
              "give a path relative to the recipe's directory");
        }
        source = path.toString();
        sha = Sha256.ofFile(path);
      }
      files.add(new FileSpec(entry.path(), entry.content(), source, sha, entry.mode(),
          entry.owner()));
    }
    return files;
  }

  /** The archives the host's apt uses, for recipes that name no mirror. */
  static List<String> hostArchiveUris() {
    try {
      String out =
          ProcessRunner.logging(line -> {})
              .run(
                  ToolCall.of(
                      List.of(
                          "apt-get",
                          "indextargets",
                          "--format",
                          "$(REPO_URI)",
                          "Created-By: Packages"),
                      Duration.ofMinutes(1)))
              .stdout();
      return List.copyOf(new LinkedHashSet<>(out.lines().map(String::strip).toList()));
    } catch (ToolException e) {
      return List.of();
    }
  }
}
