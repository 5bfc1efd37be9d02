package dev.debforge.plugin;

import org.pf4j.ExtensionPoint;

/**
 * Inserts one of the plugin's stages at an {@link Anchor} of the compose or disk plan.
 *
 * <p>The contribution is part of a build when the build names its plugin: a recipe's
 * {@code plugins:} section has the plugin's id as a key, and what is under it is the stage's
 * options. The stage reads the previous step's output under {@link Anchor#role()} (copy it with
 * {@link StageContext#copyOfInput}) and leaves the same kind of output.
 */
public interface PipelineContribution extends ExtensionPoint {

  /** The id of the stage to insert; a stage the same plugin provides. */
  String stage();

  /** Where the stage goes. */
  Anchor anchor();
}
