package dev.debforge.stage.packages;

import dev.debforge.plugin.BadInputException;
import dev.debforge.recipe.Packages;
import dev.debforge.stage.debootstrap.DpkgStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What an apt run in the image must leave: the packages the image boots with ({@link
 * Packages#KEPT}, the recipe's kernel) and, whatever its name, a kernel. apt purges with a
 * package whatever depends on it and removes what conflicts with one it installs, so the check
 * reads the dpkg database before and after the run. Used by the {@code packages} stage and by
 * hooks.
 */
public final class BootPackages {

  /** What a lost kernel is called in the messages. */
  static final String A_KERNEL = "every linux-image package (the kernel)";

  private BootPackages() {}

  /** The items of {@code remove} (names, maybe with {@code :ARCH} or {@code =VERSION}) it keeps. */
  public static List<String> named(List<String> remove, Collection<String> keep) {
    return remove.stream().filter(item -> keep.contains(Packages.bareName(item))).toList();
  }

  /**
   * The kept packages the run removed, and {@link #A_KERNEL} when the image had a kernel package
   * before and has none after.
   */
  public static List<String> lost(
      Map<String, String> before, Map<String, String> after, Collection<String> keep) {
    List<String> lost = new ArrayList<>();
    for (String name : DpkgStatus.removed(before, after)) {
      if (keep.contains(name)) {
        lost.add(name);
      }
    }
    if (hasKernel(before) && !hasKernel(after)) {
      lost.add(A_KERNEL);
    }
    return lost;
  }

  /**
   * Fails when {@link #lost} is not empty.
   *
   * @param who what asked for the run, e.g. {@code "the recipe's packages"} or {@code "hook x"}
   */
  public static void refuseLost(
      String who, List<String> install, List<String> remove, List<String> lost)
      throws BadInputException {
    if (lost.isEmpty()) {
      return;
    }
    List<String> asked = new ArrayList<>();
    if (!install.isEmpty()) {
      asked.add("installing " + String.join(", ", install));
    }
    if (!remove.isEmpty()) {
      asked.add("purging " + String.join(", ", remove));
    }
    throw new BadInputException(
        who + ": " + String.join(" and ", asked) + " made apt remove " + String.join(", ", lost)
            + ", without which the image cannot boot (apt purges what depends on a package it"
            + " purges, and removes what conflicts with one it installs)",
        remove.isEmpty()
            ? "leave out the package that conflicts with it"
            : "remove fewer packages; `apt-cache rdepends --installed PACKAGE` in the image shows"
                + " what depends on one");
  }

  private static boolean hasKernel(Map<String, String> installed) {
    return installed.keySet().stream().anyMatch(key -> key.startsWith("linux-image-"));
  }
}
