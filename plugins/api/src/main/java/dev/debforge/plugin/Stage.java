package dev.debforge.plugin;

import org.pf4j.ExtensionPoint;

/**
 * One step of the pipeline: it reads named inputs from the store and fills an empty output
 * directory. Its id is the same string in recipes, in the Temporal activity type, in the docs and
 * in log labels.
 *
 * <p>A stage must be deterministic in its inputs and options: debforge keys the output in the
 * store by the hash of both, and a repeated step whose output exists is not run again. When what
 * a stage produces changes for the same inputs, raise {@link #version()}.
 *
 * <p>A plugin ships a stage as a PF4J extension ({@code @Extension} on the class); debforge calls
 * it by its id from plans, as it calls its own stages. The options record is read by Jackson with
 * unknown keys refused, so a typo in a recipe's {@code plugins} section is an error that names the
 * key.
 *
 * @param <O> the options record, read from JSON by Jackson
 */
public interface Stage<O> extends ExtensionPoint {

  /** The stage id, for example {@code debootstrap}. */
  String id();

  /** Part of the cache key: raise it when the output changes for the same inputs and options. */
  int version();

  /** The record the options are read into. */
  Class<O> optionsType();

  /**
   * Does the work. Everything the stage writes goes below {@link StageContext#output()}; a stage
   * that fails leaves nothing behind, because the runner discards its output directory.
   *
   * @return facts about the output (a kernel version, a commit checksum) that later stages read
   */
  StageOutput run(StageContext context, O options) throws Exception;
}
