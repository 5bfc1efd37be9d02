package dev.debforge.stage.packages;

import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.stage.debootstrap.DpkgStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * has; negative when the removals outweigh), {@code upgraded} (how many of the base's packages apt
 * took in a newer version: without a snapshot, the mirror may have moved on since the base was
 * stored; each is named in the step's progress).
 *
 * <p>apt purges with a package what depends on it, so a removal can take more of the base than
 * the recipe names: the progress names every package that went, and the step fails, as bad
 * input, when one of {@link PackagesOptions#keep} went (at once when the recipe names it, after
 * apt when apt took it along), rather than store an image that cannot boot.
 */
public final class PackagesStage implements Stage<PackagesOptions> {

  public static final String ID = "packages";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 2;
  }

  @Override
  public Class<PackagesOptions> optionsType() {
    return PackagesOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, PackagesOptions options) throws Exception {
    List<String> named = BootPackages.named(options.remove(), options.keep());
    if (!named.isEmpty()) {
      throw new BadInputException(
          "packages.remove: " + String.join(", ", named) + (named.size() == 1 ? " is" : " are")
              + " what makes the image bootable",
          "take " + (named.size() == 1 ? "it" : "them") + " out of packages.remove; the image"
              + " must keep " + String.join(", ", options.keep()));
    }
    context.progress(
        "apt on the base: " + options.install().size() + " to install, "
            + options.remove().size() + " to purge");
    Path base = context.input("tree");
    Path cache = context.sharedCache("apt-archives-" + context.architecture());
    context.tools().run(
        AptOnBase.call(options, context.architecture(), base, context.output(), cache));
    Map<String, String> before = DpkgStatus.installed(base);
    Map<String, String> after = DpkgStatus.installed(context.output());
    List<String> upgraded = new ArrayList<>();
    before.forEach((name, version) -> {
      String now = after.get(name);
      if (now != null && !now.equals(version)) {
        upgraded.add(name + " " + version + " -> " + now);
      }
    });
    context.progress(after.size() + " packages installed (the base has " + before.size() + ")");
    List<String> removed = DpkgStatus.removed(before, after);
    if (!removed.isEmpty()) {
      context.progress("apt removed " + removed.size() + " of the base's packages: "
          + String.join(", ", removed));
    }
    BootPackages.refuseLost("the recipe's packages", options.install(), options.remove(),
        BootPackages.lost(before, after, options.keep()));
    if (!upgraded.isEmpty()) {
      // Without a snapshot the mirror moves on and the stored base does not: apt took newer
      // versions where the recipe's packages needed them. A snapshot keeps them together.
      context.progress("apt upgraded " + upgraded.size() + " of the base's packages, which the "
          + "mirror has newer than the stored base: " + String.join(", ",
              upgraded.subList(0, Math.min(10, upgraded.size())))
          + (upgraded.size() > 10 ? ", …" : ""));
    }
    return new StageOutput(Map.of(
        "packages", Integer.toString(after.size()),
        "added", Integer.toString(after.size() - before.size()),
        "upgraded", Integer.toString(upgraded.size())));
  }
}
