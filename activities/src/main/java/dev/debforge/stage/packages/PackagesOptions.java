package dev.debforge.stage.packages;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Options of the {@code packages} stage.
 *
 * @param suite the Debian suite, as the base was built from
 * @param sources the base's apt source lines
 * @param install the recipe's packages to install, sorted
 * @param remove the recipe's packages to purge, sorted
 * @param aptOptions apt configuration lines passed with {@code --aptopt}, as for the base
 * @param keep packages the image must still have afterwards, which a removal must not take
 *     (the kernel, OSTree, dracut, GRUB's modules: what makes the image bootable)
 */
public record PackagesOptions(
    String suite,
    List<String> sources,
    List<String> install,
    List<String> remove,
    List<String> aptOptions,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> keep) {
  public PackagesOptions {
    sources = List.copyOf(sources);
    keep = keep == null ? List.of() : List.copyOf(keep);
    install = install == null ? List.of() : List.copyOf(install);
    remove = remove == null ? List.of() : List.copyOf(remove);
    aptOptions = aptOptions == null ? List.of() : List.copyOf(aptOptions);
  }

  /** Options that keep nothing in particular. */
  public PackagesOptions(
      String suite,
      List<String> sources,
      List<String> install,
      List<String> remove,
      List<String> aptOptions) {
    this(suite, sources, install, remove, aptOptions, List.of());
  }
}
