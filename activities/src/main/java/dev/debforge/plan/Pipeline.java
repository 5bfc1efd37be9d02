package dev.debforge.plan;

import dev.debforge.plugin.Anchor;
import dev.debforge.plugin.OutputType;
import dev.debforge.stage.convert.DiskType;
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
   */
  record Output(
      String id,
      String stage,
      OutputType.Input input,
      String directory,
      String fileName,
      Map<String, Object> options) {
    public Output {
      options = Map.copyOf(options);
    }

    /** The output of a registered type, with the options it gives its stage. */
    public static Output of(OutputType type, Map<String, Object> pluginOptions) {
      return new Output(type.id(), type.stage(), type.input(), type.directory(), type.fileName(),
          type.stageOptions(pluginOptions));
    }
  }

  /**
   * Adds the steps contributed at {@code anchor}, each reading the one before under the anchor's
   * role, and returns the name of the step that later steps read in place of {@code previous}.
   */
  String at(PlanBuilder plan, Anchor anchor, String previous);

  /**
   * The output type with this id.
   *
   * @throws IllegalArgumentException when no output type has it
   */
  Output output(String typeId);

  /** debforge's own disk types and no contributions. */
  Pipeline BUILTIN =
      new Pipeline() {
        @Override
        public String at(PlanBuilder plan, Anchor anchor, String previous) {
          return previous;
        }

        @Override
        public Output output(String typeId) {
          return Output.of(DiskType.parse(typeId).outputType(), Map.of());
        }
      };
}
