package dev.debforge.activity;

import dev.debforge.extension.Extensions;
import dev.debforge.stage.bootloader.BootloaderStage;
import dev.debforge.stage.configure.ConfigureStage;
import dev.debforge.stage.convert.ConvertStage;
import dev.debforge.stage.convert.DiskType;
import dev.debforge.stage.debootstrap.DebootstrapStage;
import dev.debforge.stage.deploy.DeployStage;
import dev.debforge.stage.extract.ExtractStage;
import dev.debforge.stage.initramfs.InitramfsStage;
import dev.debforge.stage.ociexport.OciExportStage;
import dev.debforge.stage.ostreecommit.OstreeCommitStage;
import dev.debforge.stage.packages.PackagesStage;
import dev.debforge.stage.partition.PartitionStage;
import dev.debforge.stage.publish.PublishStage;
import dev.debforge.stage.publishdisk.PublishDiskStage;
import dev.debforge.stage.publishostree.PublishOstreeStage;
import dev.debforge.stage.tools.ToolsStage;
import dev.debforge.stage.verify.VerifyStage;

/** The stages and output types debforge ships, stages in pipeline order. */
public final class BuiltinStages {

  private BuiltinStages() {}

  public static Extensions registry() {
    Extensions extensions =
        new Extensions()
        .add(new DebootstrapStage())
        .add(new PackagesStage())
        .add(new ConfigureStage())
        .add(new InitramfsStage())
        .add(new OstreeCommitStage())
        .add(new OciExportStage())
        .add(new PublishStage())
        .add(new PublishOstreeStage())
        .add(new ExtractStage())
        .add(new DeployStage())
        .add(new BootloaderStage())
        .add(new ToolsStage())
        .add(new PartitionStage())
        .add(new ConvertStage())
        .add(new PublishDiskStage())
        .add(new VerifyStage());
    for (DiskType type : DiskType.values()) {
      extensions.add(type.outputType());
    }
    return extensions;
  }
}
