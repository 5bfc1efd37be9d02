package dev.debforge.stage.debootstrap;

import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code debootstrap}: builds the base Debian root filesystem with mmdebstrap.
 *
 * <p>Installs the suite's chosen variant plus the packages a bootable image needs (kernel, systemd,
 * dracut with OSTree's module, GRUB's module directories, the updater's tools). The recipe's own
 * packages are the {@code packages} stage's, on a copy of this tree, so a change to them does not
 * build the base again. apt's package archives are shared between builds on a host.
 *
 * <p>Output: the root filesystem. Facts: {@code suite}, {@code packages} (how many are installed).
 */
public final class DebootstrapStage implements Stage<DebootstrapOptions> {

  public static final String ID = "debootstrap";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 2;
  }

  @Override
  public Class<DebootstrapOptions> optionsType() {
    return DebootstrapOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, DebootstrapOptions options) throws Exception {
    context.progress(
        "mmdebstrap " + options.suite() + " (" + options.variant() + ") with "
            + options.include().size() + " extra packages");
    Path cache = context.sharedCache("apt-archives-" + context.architecture());
    context.tools().run(Mmdebstrap.call(options, context.architecture(), context.output(), cache));
    long installed = DpkgStatus.installed(context.output()).size();
    context.progress(installed + " packages installed");
    return new StageOutput(
        Map.of("suite", options.suite(), "packages", Long.toString(installed)));
  }
}
