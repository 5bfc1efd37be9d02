package dev.debforge.stage.packages;

import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.stage.debootstrap.DebootstrapStage;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code packages}: installs the recipe's packages on the base and purges its removals.
 *
 * <p>The base ({@code debootstrap}) holds what every bootable image has, so it is keyed without
 * the recipe's packages and a change to them starts from the stored base: apt installs a few
 * packages in seconds where a new base takes a minute. The output is a new tree; the base is
 * read only.
 *
 * <p>Facts: {@code packages} (how many are installed), {@code added} (how many more than the base
 * has; negative when the removals outweigh).
 */
public final class PackagesStage implements Stage<PackagesOptions> {

  public static final String ID = "packages";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public Class<PackagesOptions> optionsType() {
    return PackagesOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, PackagesOptions options) throws Exception {
    context.progress(
        "apt on the base: " + options.install().size() + " to install, "
            + options.remove().size() + " to purge");
    Path base = context.input("tree");
    Path cache = context.sharedCache("apt-archives-" + context.architecture());
    context.tools().run(
        AptOnBase.call(options, context.architecture(), base, context.output(), cache));
    long before = DebootstrapStage.countInstalled(base);
    long installed = DebootstrapStage.countInstalled(context.output());
    context.progress(installed + " packages installed (" + (installed - before) + " added)");
    return new StageOutput(
        Map.of("packages", Long.toString(installed), "added", Long.toString(installed - before)));
  }
}
