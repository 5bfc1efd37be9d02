package dev.debforge.stage.packages;

import java.util.List;

/**
 * Options of the {@code packages} stage.
 *
 * @param suite the Debian suite, as the base was built from
 * @param sources the base's apt source lines
 * @param install the recipe's packages to install, sorted
 * @param remove the recipe's packages to purge, sorted
 * @param aptOptions apt configuration lines passed with {@code --aptopt}, as for the base
 */
public record PackagesOptions(
    String suite,
    List<String> sources,
    List<String> install,
    List<String> remove,
    List<String> aptOptions) {
  public PackagesOptions {
    sources = List.copyOf(sources);
    install = install == null ? List.of() : List.copyOf(install);
    remove = remove == null ? List.of() : List.copyOf(remove);
    aptOptions = aptOptions == null ? List.of() : List.copyOf(aptOptions);
  }
}
