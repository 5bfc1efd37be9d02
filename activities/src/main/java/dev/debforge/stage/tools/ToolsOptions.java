package dev.debforge.stage.tools;

import java.util.List;
import java.util.Objects;

/**
 * Options of the {@code tools} stage.
 *
 * @param suite the Debian suite the tools come from
 * @param hostArchitecture the architecture of the machine that runs them (not the image's)
 * @param sources full apt source lines ({@code deb URI SUITE COMPONENTS})
 * @param packages the packages whose programs are needed; their dependencies come along
 * @param aptOptions apt configuration lines passed with {@code --aptopt}
 */
public record ToolsOptions(
    String suite,
    String hostArchitecture,
    List<String> sources,
    List<String> packages,
    List<String> aptOptions) {
  public ToolsOptions {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(hostArchitecture, "hostArchitecture");
    sources = List.copyOf(sources);
    packages = List.copyOf(packages);
    aptOptions = aptOptions == null ? List.of() : List.copyOf(aptOptions);
    if (packages.isEmpty()) {
      throw new IllegalArgumentException("the tools stage needs at least one package");
    }
  }
}
