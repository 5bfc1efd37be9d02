package dev.debforge.cli;

import dev.debforge.extension.Extensions;
import dev.debforge.extension.PluginOptions;
import dev.debforge.image.ImageReference;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plugin.BadInputException;
import dev.debforge.recipe.RecipeException;
import java.io.PrintWriter;
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
            .withDisks(disks.rootfs(), disks.sizeBytes(), disks.kernelArgs);
    return disks.applyVerify(disks.applyConfig(request));
  }

  /** A compose of the recipe made into disks, in one workflow. */
  static BuildRequest run(RecipeInput input, DiskOptions disks, BuildTimeOptions buildTime) {
    BuildRequest request =
        BuildRequest.run(
                input.absolutePath(), input.text(), outputDirectory(disks), disks.types(),
                input.architecture(), buildTime.epoch())
            .withDisks(disks.rootfs(), disks.sizeBytes(), disks.kernelArgs)
            .withPlugins(List.copyOf(input.recipe().plugins().keySet()));
    return disks.applyVerify(disks.applyConfig(request));
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
}
