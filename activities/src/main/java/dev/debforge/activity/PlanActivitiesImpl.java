package dev.debforge.activity;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.extension.Extensions;
import dev.debforge.extension.Origin;
import dev.debforge.extension.PluginOptions;
import dev.debforge.image.ImageReference;
import dev.debforge.image.Skopeo;
import dev.debforge.oci.OciArchive;
import dev.debforge.oci.OciException;
import dev.debforge.oci.OciImageReader;
import dev.debforge.plan.AptSources;
import dev.debforge.plan.BuildPlan;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plan.ComposePlan;
import dev.debforge.plan.DiskPlan;
import dev.debforge.plan.Pipeline;
import dev.debforge.plan.PlanBuilder;
import dev.debforge.plan.PlannedStep;
import dev.debforge.plugin.Anchor;
import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.OutputType;
import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.process.HostTools;
import dev.debforge.process.ProcessRunner;
import dev.debforge.recipe.FileEntry;
import dev.debforge.recipe.Hook;
import dev.debforge.recipe.Recipe;
import dev.debforge.recipe.RecipeException;
import dev.debforge.recipe.RecipeParser;
import dev.debforge.stage.configure.ConfigureOptions.FileSpec;
import dev.debforge.stage.hook.HookOptions;
import dev.debforge.stage.publishostree.PublishOstreeOptions;
import dev.debforge.stage.verify.VerifyStage;
import dev.debforge.store.Sha256;
import dev.debforge.store.Store;
import dev.debforge.store.Trees;
import io.temporal.activity.Activity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Computes build plans on the worker, where the recipe's files and the host's apt are. */
public final class PlanActivitiesImpl implements PlanActivities {

  /** The stage that runs recipe hooks; it comes from the hooks module, not from activities. */
  static final String HOOK_STAGE = "hook";

  private final Extensions registry;
  private final Supplier<List<String>> hostArchives;
  private final Store store;

  /** Plans for the worker whose store is {@code store}, noting what it already has. */
  public PlanActivitiesImpl(Extensions registry, Store store) {
    this(registry, PlanActivitiesImpl::hostArchiveUris, store);
  }

  PlanActivitiesImpl(Extensions registry, Supplier<List<String>> hostArchives) {
    this(registry, hostArchives, null);
  }

  PlanActivitiesImpl(Extensions registry, Supplier<List<String>> hostArchives, Store store) {
    this.registry = registry;
    this.hostArchives = hostArchives;
    this.store = store;
  }

  @Override
  public BuildPlan plan(BuildRequest request) {
    return plan(request, buildId());
  }

  /**
   * Plans for the build {@code buildId} (null: none), which the stored outputs it reads are
   * recorded as used by.
   */
  BuildPlan plan(BuildRequest request, String buildId) {
    try {
      BuildPlan plan = switch (request.kind()) {
        case "compose" -> compose(request);
        case "build" -> build(request);
        case "run" -> run(request);
        default ->
            throw new BadInputException(
                "unknown build kind '" + request.kind() + "'", "use compose, build or run");
      };
      return store == null ? plan : withStored(plan, buildId);
    } catch (Exception e) {
      throw Failures.toFailure("plan", e);
    }
  }

  /**
   * The facts of each of the plan's step outputs that the store has, by key. The stored outputs
   * that the build will read are marked as used now, and recorded as the build's: the build
   * counts on them from this moment, and the size limit keeps the running build's objects (and
   * what they were made from) while it takes the least recently used others. Stored outputs that only cached or skipped steps stand for are left as they were.
   */
  private BuildPlan withStored(BuildPlan plan, String buildId) {
    Map<String, Map<String, String>> found = new LinkedHashMap<>();
    for (PlannedStep step : plan.steps()) {
      if (step.key() != null) {
        store.peek(step.key()).ifPresent(object -> found.put(step.key(), object.facts()));
      }
    }
    BuildPlan stored = plan.withStored(found);
    for (String key : stored.readFromStore()) {
      store.lookup(key);
      if (buildId != null) {
        try {
          // Kept by the size limit from now on, and with them what they were made from.
          store.recordUse(buildId, key);
        } catch (IOException e) {
          // A store this worker cannot write fails at the first step, saying so.
        }
      }
    }
    return stored;
  }

  /** The build this plan is for: the workflow's id; null when not planned in an activity. */
  private static String buildId() {
    try {
      return Activity.getExecutionContext().getInfo().getWorkflowId();
    } catch (IllegalStateException notInAnActivity) {
      return null;
    }
  }

  private BuildPlan compose(BuildRequest request) throws BadInputException, IOException {
    Recipe recipe = parse(request);
    String arch = architecture(recipe, request);
    PlanBuilder plan = planBuilder(arch);
    ComposePlan.Steps steps = composeSteps(plan, recipe, arch, request);
    if (request.destination() != null) {
      ComposePlan.publish(
          plan, steps.image(), recipe, request.destination(), request.tlsVerify());
    }
    publishOstree(plan, steps, request);
    return plan.build(recipe.name() + " for " + arch);
  }

  /** Adds the compose steps of the request's recipe. */
  private ComposePlan.Steps composeSteps(
      PlanBuilder plan, Recipe recipe, String arch, BuildRequest request)
      throws BadInputException, IOException {
    Path recipeDir = Path.of(request.recipePath()).toAbsolutePath().getParent();
    List<String> sources =
        AptSources.lines(
            recipe.base().suite(),
            recipe.base().components(),
            recipe.base().effectiveMirror().orElse(null),
            recipe.base().effectiveMirror().isPresent() ? List.of() : hostArchives.get());
    return ComposePlan.add(
        plan, recipe, arch, sources, files(recipe, recipeDir), request.sourceDateEpoch(),
        pipeline(recipe.plugins(), hooks(recipe, request), request));
  }

  /** The recipe's hooks as their steps' options, each script read and hashed. */
  private List<HookOptions> hooks(Recipe recipe, BuildRequest request)
      throws BadInputException, IOException {
    List<HookOptions> hooks = new ArrayList<>();
    for (Hook hook : recipe.hooks()) {
      hooks.add(HookOptions.forRecipe(recipe, hook, Path.of(request.recipePath())));
    }
    if (!hooks.isEmpty() && registry.find(HOOK_STAGE).isEmpty()) {
      throw new BadInputException(
          request.recipePath() + ": the recipe has hooks, and this worker has no hook stage",
          "run the build with debforge's CLI or worker, which bring the hooks module");
    }
    return hooks;
  }

  /** A plan whose keys carry each stage's version and, for a plugin's stage, the plugin's. */
  private PlanBuilder planBuilder(String arch) {
    return new PlanBuilder(
        arch,
        id -> registry.get(id).version(),
        id -> registry.origin(id).map(Origin::spec).orElse(null));
  }

  /**
   * The contributions of the plugins the build names, with their options, and the output types of
   * every loaded plugin.
   */
  private Pipeline pipeline(
      Map<String, Map<String, Object>> pluginOptions, List<HookOptions> hooks,
      BuildRequest request) {
    return new Pipeline() {
      @Override
      public String at(PlanBuilder plan, Anchor anchor, String previous) {
        String last = previous;
        for (Extensions.Contribution contribution : registry.contributions()) {
          Map<String, Object> options = pluginOptions.get(contribution.origin().pluginId());
          if (contribution.anchor() == anchor && options != null) {
            last = plan.add(contribution.stage(), options, Map.of(anchor.role(), last));
          }
        }
        // The recipe's own hooks come last, in recipe order, and see what plugins did.
        for (HookOptions hook : hooks) {
          if (hook.at().equals(anchor.id())) {
            last = plan.add("hook-" + hook.name(), HOOK_STAGE, hook,
                Map.of(hook.point().inputRole(), last));
          }
        }
        return last;
      }

      @Override
      public Output output(String typeId, String arch) {
        OutputType type =
            registry.outputType(typeId)
                .orElseThrow(() -> new IllegalArgumentException("unknown disk type " + typeId));
        Map<String, Object> options =
            registry.typeOrigin(typeId)
                .map(origin -> pluginOptions.getOrDefault(origin.pluginId(), Map.of()))
                .orElse(Map.of());
        if (type.installer() && request.installer() != null) {
          // The --config file's installer settings win over the recipe's plugin section.
          options = new LinkedHashMap<>(options);
          options.putAll(request.installer().options(request.users()));
        }
        return Output.of(type, options, arch);
      }
    };
  }

  private BuildPlan build(BuildRequest request) throws Exception {
    String arch = request.architecture();
    ImageReference image = ImageReference.parse(request.image()).absolute();
    String digest = localDigest(image, arch).orElse(null);
    if (digest == null) {
      digest = resolveDigest(image, request.tlsVerify());
    }
    PlanBuilder plan = planBuilder(arch);
    String[] steps =
        DiskPlan.addImage(
            plan, image.toString(), digest, request.tlsVerify(), arch, request.sourceDateEpoch());
    DiskPlan.addDisks(
        plan, steps[0], steps[1], arch, null, disks(request), host(),
        pipeline(Map.of(), List.of(), request), steps[0]);
    return plan.build(image + " for " + arch, PlanActivitiesImpl::endProduct);
  }

  private BuildPlan run(BuildRequest request) throws Exception {
    Recipe recipe = parse(request);
    String arch = architecture(recipe, request);
    PlanBuilder plan = planBuilder(arch);
    ComposePlan.Steps steps = composeSteps(plan, recipe, arch, request);
    // The disks are made from the finished tree, as committed: the deploy step reads its
    // kargs.d (the recipe's kernel arguments and those its hooks added) as build reads an
    // image's, and the build's own come after them.
    DiskPlan.addDisks(
        plan, steps.finished(), steps.commit(), arch, "debian", disks(request),
        host(), pipeline(recipe.plugins(), hooks(recipe, request), request), steps.finished());
    publishOstree(plan, steps, request);
    return plan.build(recipe.name() + " for " + arch + " → " + String.join(", ",
        request.types()), PlanActivitiesImpl::endProduct);
  }

  /**
   * Adds the step that publishes the commit to the request's OSTree repository, if it names one.
   * It comes last and waits for every other step, though it reads only the commit, so that
   * systems updating from the repository get a commit only once the rest of the build (a pushed
   * image, disks that passed --verify) has succeeded.
   */
  private static void publishOstree(
      PlanBuilder plan, ComposePlan.Steps steps, BuildRequest request) {
    if (request.ostreeRepo() != null) {
      plan.holdBackUntilAll();
      ComposePlan.publishOstree(plan, steps.commit(), new PublishOstreeOptions(
          request.ostreeRepo(), request.ostreeGpgSign(), request.ostreeGpgHomedir()));
    }
  }

  /**
   * What a disk build is for: its publishing steps (never cached) and its boot checks. Steps
   * that none of them reads are left out of the plan.
   */
  private static boolean endProduct(PlannedStep step) {
    return step.key() == null || step.stage().equals(VerifyStage.ID);
  }

  private DiskPlan.Disks disks(BuildRequest request) throws BadInputException {
    List<String> types;
    try {
      types = registry.selectTypes(request.types());
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--type: " + e.getMessage(), null);
    }
    if (types.isEmpty()) {
      throw new BadInputException("no disk type asked for", "give --type qcow2 (or raw, …)");
    }
    return new DiskPlan.Disks(
        types,
        request.rootFsType() == null ? "ext4" : request.rootFsType(),
        request.diskSizeBytes(),
        request.kernelArgs(),
        Path.of(request.destination()).toAbsolutePath().toString(),
        request.sourceDateEpoch(),
        request.minRootBytes(),
        request.users(),
        verifyFirmwares(request),
        request.origin());
  }

  private static List<String> verifyFirmwares(BuildRequest request) throws BadInputException {
    List<String> supported = DiskPlan.firmwares(request.architecture());
    for (String firmware : request.verifyFirmwares()) {
      if (!supported.contains(firmware)) {
        throw new BadInputException(
            "--verify " + firmware + ": a " + request.architecture() + " disk boots with "
                + String.join(" and ", supported) + " only",
            "use --verify=" + String.join(" or --verify=", supported));
      }
    }
    return request.verifyFirmwares();
  }

  /**
   * The manifest digest of an image in an OCI layout or archive, read as the extract step reads
   * and checks it (the tag, then the build's architecture), without starting skopeo (a third of
   * a second) and without reading its layers; empty when it cannot be read so, and skopeo then
   * answers, or says why not.
   */
  static Optional<String> localDigest(ImageReference image, String arch) {
    try {
      switch (image.transport()) {
        case OCI -> {
          return Optional.of(
              OciImageReader.open(image.path(), image.reference(), arch).manifest().digest());
        }
        case OCI_ARCHIVE -> {
          Path dir = Files.createTempDirectory("debforge-plan-");
          try {
            Path layout = dir.resolve("layout");
            OciArchive.unpackMetadata(image.path(), layout);
            return Optional.of(
                OciImageReader.open(layout, image.reference(), arch).manifest().digest());
          } finally {
            Trees.delete(dir);
          }
        }
        default -> {
          return Optional.empty();
        }
      }
    } catch (IOException | OciException | RuntimeException unreadable) {
      return Optional.empty();
    }
  }

  /** The manifest digest of the image, which makes the extract step's key content-addressed. */
  private static String resolveDigest(ImageReference image, boolean tlsVerify) throws Exception {
    String json;
    try {
      json =
          ProcessRunner.logging(line -> {})
              .run(Skopeo.inspect(image, tlsVerify))
              .stdout();
    } catch (ToolException e) {
      throw new BadInputException(
          "cannot read the image " + image + ":\n" + e.stderrTail(), unreadableImageHint(image));
    }
    String digest = new ObjectMapper().readTree(json).path("Digest").asText("");
    if (!digest.startsWith("sha256:")) {
      throw new BadInputException("skopeo reported no digest for " + image, null);
    }
    return digest;
  }

  /** What to check when skopeo cannot read the image: only a registry has TLS. */
  static String unreadableImageHint(ImageReference image) {
    return switch (image.transport()) {
      case DOCKER -> "check the reference and that the registry answers; for a registry"
          + " without TLS on loopback add --no-tls-verify";
      case OCI -> "check that " + image.location() + " is a directory holding an OCI image"
          + " layout (oci-layout, index.json, blobs/)"
          + (image.reference() == null ? "" : " with the tag " + image.reference());
      case OCI_ARCHIVE, DOCKER_ARCHIVE -> "check that " + image.location() + " is a complete "
          + image.transport().prefix() + " file (a tar of the image)";
      case CONTAINERS_STORAGE -> "check the name with `podman images` (as the user whose"
          + " storage holds it)";
    };
  }

  /**
   * Parses the recipe text the client sent and checks its plugin options against this worker's
   * plugins; errors name the recipe file.
   */
  private Recipe parse(BuildRequest request) throws BadInputException {
    try {
      Recipe recipe =
          new RecipeParser()
              .parse(
                  request.recipeText(),
                  request.recipePath(),
                  Path.of(request.recipePath()).toAbsolutePath().getParent());
      PluginOptions.check(
          recipe, request.recipeText(), request.recipePath(), registry, request.types());
      return recipe;
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

  private DiskPlan.Host host() {
    return new DiskPlan.Host(HostTools.architecture(), hostArchives);
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
