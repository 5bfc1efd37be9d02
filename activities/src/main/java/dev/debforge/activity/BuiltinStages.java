package dev.debforge.activity;

import dev.debforge.stage.configure.ConfigureStage;
import dev.debforge.stage.debootstrap.DebootstrapStage;
import dev.debforge.stage.initramfs.InitramfsStage;
import dev.debforge.stage.ociexport.OciExportStage;
import dev.debforge.stage.ostreecommit.OstreeCommitStage;
import dev.debforge.stage.publish.PublishStage;
import dev.debforge.stage.verify.VerifyStage;

/** The stages debforge ships. */
public final class BuiltinStages {

  private BuiltinStages() {}

  public static StageRegistry registry() {
    return new StageRegistry()
        .add(new DebootstrapStage())
        .add(new ConfigureStage())
        .add(new InitramfsStage())
        .add(new OstreeCommitStage())
        .add(new OciExportStage())
        .add(new PublishStage())
        .add(new VerifyStage());
  }
}
