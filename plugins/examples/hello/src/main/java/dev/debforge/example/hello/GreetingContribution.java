package dev.debforge.example.hello;

import dev.debforge.plugin.Anchor;
import dev.debforge.plugin.PipelineContribution;
import org.pf4j.Extension;

/** Puts {@link GreetingStage} before the commit of every compose whose recipe names the plugin. */
@Extension
public final class GreetingContribution implements PipelineContribution {

  @Override
  public String stage() {
    return GreetingStage.ID;
  }

  @Override
  public Anchor anchor() {
    return Anchor.BEFORE_COMMIT;
  }
}
