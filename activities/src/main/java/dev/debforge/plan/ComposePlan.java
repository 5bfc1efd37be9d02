package dev.debforge.plan;

import dev.debforge.disk.Architecture;
import dev.debforge.plugin.Anchor;
import dev.debforge.recipe.Packages;
import dev.debforge.recipe.Recipe;
import dev.debforge.recipe.User;
import dev.debforge.stage.configure.ConfigureOptions.FileSpec;
import dev.debforge.stage.configure.ConfigureOptions.GroupSpec;
import dev.debforge.stage.configure.ConfigureOptions.UserSpec;
import dev.debforge.stage.configure.ConfigureOptions;
import dev.debforge.stage.configure.ConfigureStage;
import dev.debforge.stage.configure.Updater;
import dev.debforge.stage.debootstrap.DebootstrapOptions;
import dev.debforge.stage.debootstrap.DebootstrapStage;
import dev.debforge.stage.initramfs.InitramfsOptions;
import dev.debforge.stage.initramfs.InitramfsStage;
import dev.debforge.stage.ociexport.OciExportOptions;
import dev.debforge.stage.ociexport.OciExportStage;
import dev.debforge.stage.ostreecommit.OstreeCommitOptions;
import dev.debforge.stage.ostreecommit.OstreeCommitStage;
import dev.debforge.stage.packages.PackagesOptions;
import dev.debforge.stage.packages.PackagesStage;
import dev.debforge.stage.publish.PublishOptions;
import dev.debforge.stage.publish.PublishStage;
import dev.debforge.stage.publishostree.PublishOstreeOptions;
import dev.debforge.stage.publishostree.PublishOstreeStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The steps of a compose: {@code debootstrap → packages → configure → initramfs → ostree-commit
 * → oci-export → publish}, and {@code publish-ostree} of the commit when the build publishes to an
 * OSTree repository (the plan adds it last). {@code debootstrap} builds the base every image has;
 * {@code packages}, there only when the recipe installs or removes packages, adds the recipe's on
 * a copy of it, so a change to the recipe's packages starts from the stored base. Every option a step's output depends on is in its
 * options, so the store key changes exactly when the output would.
 */
public final class ComposePlan {

  /**
   * What every bootable image has besides the recipe's packages. pigz is there for dracut, which
   * compresses the initramfs with it on every processor when the image has it (gzip -9 on one
   * core took 39 of dracut's 51 s here), in the same gzip format and with the same bytes
   * whatever the number of processors.
   */
  static final List<String> BASE_PACKAGES =
      List.of(
          "systemd-sysv",
          "udev",
          "dbus",
          "dracut",
          "pigz",
          "ostree",
          "ostree-boot",
          "e2fsprogs",
          "dosfstools",
          "kmod",
          "procps",
          "less");

  /**
   * What of the base a recipe's removals must leave ({@link Packages#KEPT} with this
   * architecture's GRUB and the recipe's kernel): without any of these the image does not boot or
   * cannot be made. The others of {@link #BASE_PACKAGES} (less, procps, …) are the recipe's to
   * remove.
   */
  static List<String> bootPackages(Recipe recipe, String arch) {
    Set<String> keep = new TreeSet<>(Packages.KEPT);
    keep.removeIf(name -> name.startsWith("grub-") && !bootloaderPackages(arch).contains(name));
    keep.add(Packages.bareName(recipe.kernel().packageFor(arch)));
    return List.copyOf(keep);
  }

  /** GRUB's module directories, which the disk build takes from the image. */
  static List<String> bootloaderPackages(String arch) {
    return switch (arch) {
      case "amd64" -> List.of("grub-efi-amd64-bin", "grub-pc-bin");
      case "arm64" -> List.of("grub-efi-arm64-bin");
      default -> List.of();
    };
  }

  /** OSTree's name for a Debian architecture, used in refs. */
  static String ostreeArch(String arch) {
    return Architecture.fromDebianName(arch).ostreeName();
  }

  /** The dracut modules the initramfs needs to boot an OSTree deployment. */
  static final List<String> DRACUT_MODULES = List.of("systemd", "ostree");

  private ComposePlan() {}

  /**
   * Adds the compose steps to {@code plan} and returns the name of the step whose output is the
   * OCI image.
   *
   * @param sources the apt source lines
   * @param files the recipe's files with sources resolved and hashed
   */
  public static Steps add(
      PlanBuilder plan,
      Recipe recipe,
      String arch,
      List<String> sources,
      List<FileSpec> files,
      Long epoch) {
    return add(plan, recipe, arch, sources, files, epoch, Pipeline.BUILTIN);
  }

  /**
   * Adds the compose steps, with the stages {@code pipeline} contributes after the packages are
   * installed and before the commit.
   */
  public static Steps add(
      PlanBuilder plan,
      Recipe recipe,
      String arch,
      List<String> sources,
      List<FileSpec> files,
      Long epoch,
      Pipeline pipeline) {
    TreeSet<String> include = new TreeSet<>(BASE_PACKAGES);
    include.addAll(bootloaderPackages(arch));
    include.addAll(Updater.PACKAGES);
    include.add(recipe.kernel().packageFor(arch));
    List<String> aptOptions = new ArrayList<>();
    if (recipe.base().snapshot() != null) {
      aptOptions.add("Acquire::Check-Valid-Until \"false\"");
    }
    String base =
        plan.add(
            DebootstrapStage.ID,
            new DebootstrapOptions(
                recipe.base().suite(),
                recipe.base().variant(),
                sources,
                List.copyOf(include),
                aptOptions),
            Map.of());
    String installed = base;
    if (!recipe.packages().install().isEmpty() || !recipe.packages().remove().isEmpty()) {
      installed =
          plan.add(
              PackagesStage.ID,
              new PackagesOptions(
                  recipe.base().suite(),
                  sources,
                  List.copyOf(new TreeSet<>(recipe.packages().install())),
                  List.copyOf(new TreeSet<>(recipe.packages().remove())),
                  aptOptions,
                  bootPackages(recipe, arch)),
              Map.of("tree", base));
    }
    String packages = pipeline.at(plan, Anchor.AFTER_PACKAGES, installed);
    String configure =
        plan.add(
            ConfigureStage.ID,
            configureOptions(recipe, files),
            Map.of("tree", packages));
    String initramfs =
        plan.add(
            InitramfsStage.ID,
            new InitramfsOptions(DRACUT_MODULES, epoch),
            Map.of("tree", configure));
    String finished = pipeline.at(plan, Anchor.BEFORE_COMMIT, initramfs);
    String commit =
        plan.add(
            OstreeCommitStage.ID,
            new OstreeCommitOptions(
                "debian/" + recipe.base().suite() + "/" + ostreeArch(arch),
                recipe.image().tag(),
                recipe.name() + " " + recipe.image().tag(),
                epoch),
            Map.of("tree", finished));
    Map<String, String> labels = new TreeMap<>();
    labels.put("org.opencontainers.image.title", recipe.name());
    if (recipe.description() != null) {
      labels.put("org.opencontainers.image.description", recipe.description());
    }
    labels.put("org.opencontainers.image.version", recipe.image().tag());
    labels.put("dev.debforge.suite", recipe.base().suite());
    String image =
        plan.add(
            OciExportStage.ID,
            new OciExportOptions(recipe.image().tag(), labels, epoch),
            Map.of("tree", finished, "commit", commit));
    return new Steps(configure, commit, image, finished);
  }

  /** Adds the step that copies the image to the user's destination. */
  public static String publish(
      PlanBuilder plan, String imageStep, Recipe recipe, String destination, boolean tlsVerify) {
    return plan.addUncached(
        PublishStage.ID,
        PublishStage.ID,
        new PublishOptions(destination, recipe.image().name(), tlsVerify),
        Map.of("image", imageStep));
  }

  /**
   * Adds the step that copies the commit into the archive repository the options name, signed
   * with their GPG key when they have one, and moves its ref there.
   */
  public static String publishOstree(
      PlanBuilder plan, String commitStep, PublishOstreeOptions options) {
    return plan.addUncached(
        PublishOstreeStage.ID,
        PublishOstreeStage.ID,
        options,
        Map.of("commit", commitStep));
  }

  /**
   * The names of the compose steps later steps read from.
   *
   * @param configured the configured tree (its facts carry no kernel arguments: those are in
   *     its kargs.d)
   * @param commit the OSTree commit of the final tree (kernel and initramfs included)
   * @param image the OCI image
   * @param finished the finished tree, as committed: what an output type reading the image's
   *     tree reads
   */
  public record Steps(String configured, String commit, String image, String finished) {}

  static ConfigureOptions configureOptions(Recipe recipe, List<FileSpec> files) {
    List<GroupSpec> groups =
        recipe.groups().stream().map(g -> new GroupSpec(g.name(), g.gid())).toList();
    List<UserSpec> users = new ArrayList<>();
    for (User user : recipe.users()) {
      users.add(
          new UserSpec(
              user.name(),
              user.groups(),
              user.password(),
              user.sshKeys(),
              user.shell(),
              user.uid()));
    }
    return new ConfigureOptions(
        groups,
        users,
        files,
        recipe.services().enable(),
        recipe.services().disable(),
        recipe.hostname(),
        recipe.locale(),
        recipe.timezone(),
        recipe.kernel().args(),
        Updater.sha256());
  }
}
