package dev.debforge.plan;

import dev.debforge.plugin.Anchor;
import dev.debforge.plugin.OutputType;
import dev.debforge.stage.convert.DiskType;
import java.util.List;
import java.util.Map;

/**
 * What a plan is assembled from besides its fixed spine: the stages that contributions insert at
 * each {@link Anchor}, and the output types that {@code --type} names. The planner makes one from
 * the worker's registered extensions and the build's plugin options.
 */
public interface Pipeline {

  /**
   * One {@code --type} value of a build, resolved.
   *
   * @param id the type id
   * @param stage the stage that makes the file
   * @param input what that stage reads
   * @param directory the directory under the output directory
   * @param fileName the file the stage leaves and that is published
   * @param options the stage's options
   * @param shared the steps the stage reads besides its input, shared between builds
   */
  record Output(
      String id,
      String stage,
      OutputType.Input input,
      String directory,
      String fileName,
      Map<String, Object> options,
      List<OutputType.SharedInput> shared) {
    public Output {
      options = Map.copyOf(options);
      shared = List.copyOf(shared);
      for (OutputType.SharedInput each : shared) {
        if (each.role().equals(input.role())) {
          throw new IllegalArgumentException("output type " + id + ": the shared input "
              + each.stage() + " has the role of the type's own input, " + input.role());
        }
      }
    }

    /** The output of a registered type, with the options it gives its stage. */
    public static Output of(OutputType type, Map<String, Object> pluginOptions, String arch) {
      Map<String, Object> options = type.stageOptions(pluginOptions);
      return new Output(type.id(), type.stage(), type.input(), type.directory(), type.fileName(),
          options, type.sharedInputs(options, arch));
    }
  }

  /**
   * Adds the steps contributed at {@code anchor}, each reading the one before under the anchor's
   * role, and returns the name of the step that later steps read in place of {@code previous}.
   */
  String at(PlanBuilder plan, Anchor anchor, String previous);

  /**
   * The output type with this id, for a build for {@code arch}.
   *
   * @throws IllegalArgumentException when no output type has it
   */
  Output output(String typeId, String arch);

  /** debforge's own disk types and no contributions. */
  Pipeline BUILTIN =
      new Pipeline() {
        @Override
        public String at(PlanBuilder plan, Anchor anchor, String previous) {
          return previous;
        }

        @Override
        public Output output(String typeId, String arch) {
          return Output.of(DiskType.parse(typeId).outputType(), Map.of(), arch);
        }
      };
}
