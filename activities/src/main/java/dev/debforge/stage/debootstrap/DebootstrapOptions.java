package dev.debforge.stage.debootstrap;

import java.util.List;

/**
 * Options of the {@code debootstrap} stage.
 *
 * @param suite the Debian suite: bookworm, trixie or sid
 * @param variant mmdebstrap's variant (minbase, …)
 * @param sources full apt source lines ({@code deb URI SUITE COMPONENTS}); the plan resolves them
 *     from the recipe's mirror or snapshot, else from the host's apt configuration
 * @param include packages to install, sorted
 * @param aptOptions apt configuration lines passed with {@code --aptopt} (a snapshot mirror needs
 *     {@code Acquire::Check-Valid-Until "false"})
 */
public record DebootstrapOptions(
    String suite,
    String variant,
    List<String> sources,
    List<String> include,
    List<String> aptOptions) {
  public DebootstrapOptions {
    sources = List.copyOf(sources);
    include = List.copyOf(include);
    aptOptions = aptOptions == null ? List.of() : List.copyOf(aptOptions);
  }
}
