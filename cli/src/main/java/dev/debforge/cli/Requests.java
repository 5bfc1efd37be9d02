package dev.debforge.cli;

import dev.debforge.extension.Extensions;
import dev.debforge.extension.PluginOptions;
import dev.debforge.image.ImageReference;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plan.MultiArch;
import dev.debforge.plugin.BadInputException;
import dev.debforge.process.HostTools;
import dev.debforge.recipe.KernelArgument;
import dev.debforge.recipe.RecipeException;
import dev.debforge.recipe.UserText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The build requests the commands send, made in one place for {@code compose}, {@code build},
 * {@code run} and {@code submit}: paths made absolute, references checked, the disk options and
 * the {@code --config} file applied. Every error is a {@link UserError} (exit 2).
 */
final class Requests {

  private Requests() {}

  /**
   * A compose of the recipe.
   *
   * @param output the image destination, or null for {@code oci-archive:NAME.oci.tar}
   */
  static BuildRequest compose(
      RecipeInput input, String output, BuildTimeOptions buildTime, RegistryOptions registry) {
    String destination =
        output != null ? output : "oci-archive:" + input.recipe().name() + ".oci.tar";
    try {
      destination = ImageReference.parse(destination).absolute().toString();
    } catch (BadInputException e) {
      throw new UserError("--output: " + e.getMessage());
    }
    return BuildRequest.compose(
            input.absolutePath(), input.text(), destination, input.architecture(),
            buildTime.epoch())
        .withTlsVerify(registry.tlsVerify)
        .withPlugins(List.copyOf(input.recipe().plugins().keySet()));
  }

  /** Disks from an image. */
  static BuildRequest build(
      String image,
      String architecture,
      DiskOptions disks,
      BuildTimeOptions buildTime,
      RegistryOptions registry) {
    String reference;
    try {
      reference = ImageReference.parse(image).absolute().toString();
    } catch (BadInputException e) {
      throw new UserError(e.getMessage());
    }
    BuildRequest request =
        BuildRequest.build(
                reference, outputDirectory(disks), disks.types(), architecture, buildTime.epoch())
            .withTlsVerify(registry.tlsVerify)
            .withDisks(disks.rootfs(), disks.sizeBytes(), checkedKernelArgs(disks.kernelArgs));
    return disks.applyOrigin(disks.applyVerify(disks.applyConfig(request)));
  }

  /** A compose of the recipe made into disks, in one workflow. */
  static BuildRequest run(RecipeInput input, DiskOptions disks, BuildTimeOptions buildTime) {
    BuildRequest request =
        BuildRequest.run(
                input.absolutePath(), input.text(), outputDirectory(disks), disks.types(),
                input.architecture(), buildTime.epoch())
            .withDisks(disks.rootfs(), disks.sizeBytes(), checkedKernelArgs(disks.kernelArgs))
            .withPlugins(List.copyOf(input.recipe().plugins().keySet()));
    return disks.applyOrigin(disks.applyVerify(disks.applyConfig(request)));
  }

  /**
   * For a build that runs in this process: checks the request against this process's plugins
   * before any step starts (its --type values, the recipe's plugin options, the host tools of
   * its output types). A build sent to --temporal is checked by the worker that plans it.
   *
   * @param input the recipe, or null for a build from an image
   */
  static void checkLocally(GlobalOptions global, BuildRequest request, RecipeInput input,
      PrintWriter err) {
    if (global.temporal != null) {
      return;
    }
    Extensions extensions = global.plugins.extensions(err);
    List<String> tools = new ArrayList<>();
    try {
      for (String type : extensions.selectTypes(request.types())) {
        extensions.outputType(type).ifPresent(t -> tools.addAll(t.hostTools()));
      }
    } catch (IllegalArgumentException e) {
      throw new UserError("--type: " + e.getMessage());
    }
    if (input != null) {
      try {
        PluginOptions.check(
            input.recipe(), input.text(), input.path().toString(), extensions, request.types());
      } catch (RecipeException e) {
        throw new UserError(e.getMessage());
      }
    }
    BuildCommand.requireTools(global, tools);
  }

  private static String outputDirectory(DiskOptions disks) {
    return Path.of(disks.output).toAbsolutePath().toString();
  }

  /** The architectures debforge builds for. */
  static final List<String> ARCHITECTURES = List.of("amd64", "arm64");

  /**
   * The architecture given with {@code --arch}, when debforge builds for it; null stays null.
   *
   * @throws UserError naming the architecture and those that are supported
   */
  static String checkedArch(String arch) {
    if (arch != null && !ARCHITECTURES.contains(arch)) {
      throw new UserError(
          "--arch " + UserText.quote(arch) + " is not an architecture debforge builds for"
              + "\nHint: use " + String.join(" or ", ARCHITECTURES));
    }
    return arch;
  }

  /**
   * The architectures given with {@code --arch}, a comma-separated list, each checked and named
   * once; null when the option was not given.
   *
   * @throws UserError naming an architecture debforge does not build for, or one named twice
   */
  static List<String> checkedArchs(String option) {
    if (option == null) {
      return null;
    }
    List<String> archs = new ArrayList<>();
    for (String part : option.split(",", -1)) {
      String arch = part.strip();
      if (arch.isEmpty()) {
        throw new UserError("--arch " + UserText.quote(option) + " has an empty entry"
            + "\nHint: write --arch amd64,arm64");
      }
      checkedArch(arch);
      if (archs.contains(arch)) {
        throw new UserError("--arch names " + arch + " twice\nHint: name each architecture once");
      }
      archs.add(arch);
    }
    return archs;
  }

  /**
   * Checks, before a multi-architecture build starts, what its requests ask of it: a compose's
   * destination must hold an image index, and only one architecture's commit can be published
   * to an OSTree repository at a time.
   */
  static void checkMultiArch(List<BuildRequest> requests) {
    if (requests.size() < 2) {
      return;
    }
    BuildRequest first = requests.get(0);
    if (first.ostreeRepo() != null) {
      throw new UserError(OstreeRepoOptions.OPTION + " publishes one architecture's commit; "
          + requests.size() + " architectures cannot publish to one repository at once"
          + "\nHint: compose each architecture with --arch and " + OstreeRepoOptions.OPTION
          + ", one after the other");
    }
    if (first.kind().equals("compose")) {
      try {
        MultiArch.checked(first.destination());
      } catch (BadInputException e) {
        throw new UserError("--output " + first.destination() + ": " + e.getMessage()
            + (e.hint() == null ? "" : "\nHint: " + e.hint()));
      }
    }
  }

  /**
   * For a compose that runs in this process: checks that this machine can run the programs of
   * each architecture, natively or through qemu-user and binfmt_misc. Where binfmt_misc is not
   * mounted (in a container whose host may register qemu for it) nothing can be told, and the
   * build goes ahead.
   */
  static void checkRunnable(GlobalOptions global, List<String> architectures) {
    if (global.temporal != null) {
      return;
    }
    String host = HostTools.architecture();
    for (String arch : architectures) {
      if (arch.equals(host)) {
        continue;
      }
      String emulator = arch.equals("arm64") ? "qemu-aarch64" : "qemu-x86_64";
      Path binfmt = Path.of("/proc/sys/fs/binfmt_misc");
      if (!Files.exists(binfmt.resolve("status"))) {
        // Not mounted here (a container, say): the host may still run them; the build tells.
        continue;
      }
      Path handler = binfmt.resolve(emulator);
      boolean enabled;
      try {
        enabled = Files.isRegularFile(handler)
            && Files.readAllLines(handler).stream().anyMatch(line -> line.equals("enabled"));
      } catch (IOException e) {
        enabled = false;
      }
      if (!enabled) {
        throw new UserError("--arch " + arch + ": this " + host + " machine cannot run " + arch
            + " programs (binfmt_misc has no enabled " + emulator + ")"
            + "\nHint: install qemu-user-static and binfmt-support and enable " + emulator
            + " (scripts/install-deps does, as root), or build --arch " + host);
      }
    }
  }

  /**
   * The {@code --karg} arguments, each checked as recipes and config files check theirs.
   *
   * @throws UserError naming the argument and what is wrong with it
   */
  static List<String> checkedKernelArgs(List<String> args) {
    for (String arg : args) {
      String problem = KernelArgument.problem(arg);
      if (problem != null) {
        throw new UserError("--karg " + problem + "\nHint: " + KernelArgument.HINT);
      }
    }
    return args;
  }

  /**
   * Checks, before a build starts here, that the disks' directory can be made: it is a
   * directory or can become one, and this user may write where it goes. A build on remote
   * workers writes on their machines, so it is not checked here.
   *
   * @throws UserError naming the option, the path and what is wrong
   */
  static void checkOutputDirectory(String option, Path dir) {
    Path absolute = dir.toAbsolutePath().normalize();
    if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
      throw new UserError(
          option + " " + absolute + " is a file, not a directory"
              + "\nHint: name a directory (new or existing) for the disks");
    }
    checkWritable(option, absolute, Files.isDirectory(absolute) ? absolute : absolute.getParent());
  }

  /**
   * Checks that an image destination on this machine can be written: an {@code oci:} directory
   * as {@link #checkOutputDirectory}, an archive file whose directory exists and takes files.
   */
  static void checkImageDestination(String destination) {
    ImageReference reference;
    try {
      reference = ImageReference.parse(destination);
    } catch (BadInputException e) {
      throw new UserError("--output: " + e.getMessage());
    }
    if (!reference.transport().local()) {
      return;
    }
    Path path = reference.path().toAbsolutePath().normalize();
    if (reference.transport() == ImageReference.Transport.OCI) {
      checkOutputDirectory("--output", path);
      return;
    }
    if (Files.isDirectory(path)) {
      throw new UserError(
          "--output " + path + " is a directory, but " + reference.transport().prefix()
              + ": writes a file\nHint: name the archive file, e.g. "
              + reference.transport().prefix() + ":" + path.resolve("image.tar"));
    }
    checkWritable("--output", path, path.getParent());
  }

  /** The nearest existing directory on the way to {@code path} must take new files. */
  private static void checkWritable(String option, Path path, Path from) {
    Path existing = from;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      throw new UserError(
          option + " " + path + ": " + (existing == null ? "no part of it" : existing)
              + " is not a directory\nHint: give a path under a directory you may write to");
    }
    // Pseudo file systems (/proc, /sys) say they are writable to root but create nothing, so
    // the answer comes from trying: a probe file, removed at once.
    try {
      Path probe = Files.createTempFile(existing, ".debforge-probe", "");
      Files.delete(probe);
    } catch (IOException | UnsupportedOperationException e) {
      throw new UserError(
          option + " " + path + ": cannot create files in " + existing
              + "\nHint: give a path under a directory you may write to");
    }
  }
}
