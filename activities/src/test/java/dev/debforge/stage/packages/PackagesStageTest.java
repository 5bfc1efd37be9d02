package dev.debforge.stage.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.BadInputException;
import dev.debforge.stage.TestStageContext;
import dev.debforge.stage.debootstrap.DpkgStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recipe's removals never take what makes the image bootable, named or taken along by apt. */
class PackagesStageTest {

  private static final List<String> KEEP = List.of("dracut", "linux-image-amd64", "ostree");

  @TempDir Path dir;

  private static PackagesOptions removing(String... remove) {
    return new PackagesOptions("bookworm", List.of("deb http://m/debian bookworm main"),
        List.of(), List.of(remove), List.of(), KEEP);
  }

  @Test
  void aRemovalTheRecipeNamesIsRefusedBeforeAptRuns() throws Exception {
    TestStageContext context = new TestStageContext(dir.resolve("step"), "amd64")
        .withInput("tree", Files.createDirectories(dir.resolve("base")), Map.of());
    BadInputException refused =
        assertThrows(BadInputException.class,
            () -> new PackagesStage().run(context, removing("nano", "ostree:amd64")));
    assertTrue(refused.getMessage().startsWith(
        "packages.remove: ostree:amd64 is what makes the image bootable"), refused.getMessage());
    assertTrue(refused.hint().contains("dracut, linux-image-amd64, ostree"), refused.hint());
    assertEquals(List.of(), context.progress, "refused before apt: nothing ran");
  }

  @Test
  void whatAptTookAlongIsNamedAndABootPackageOrTheLastKernelAmongItFailsTheStep()
      throws Exception {
    Map<String, String> base = Map.of("libostree-1-1:amd64", "1", "ostree:amd64", "1",
        "nano:amd64", "7", "dracut:amd64", "059", "linux-image-amd64:amd64", "6.1",
        "linux-image-6.1.0-28-amd64:amd64", "6.1");
    Map<String, String> withoutOstree = new TreeMap<>(base);
    withoutOstree.keySet().removeAll(List.of("libostree-1-1:amd64", "ostree:amd64", "nano:amd64"));
    assertEquals(List.of("libostree-1-1", "nano", "ostree"),
        DpkgStatus.removed(base, withoutOstree));
    assertEquals(List.of("ostree"), BootPackages.lost(base, withoutOstree, KEEP));

    BadInputException lost =
        assertThrows(BadInputException.class,
            () -> BootPackages.refuseLost("the recipe's packages", List.of(),
                List.of("libostree-1-1"), BootPackages.lost(base, withoutOstree, KEEP)));
    assertTrue(lost.getMessage().startsWith("the recipe's packages: purging libostree-1-1 made apt"
        + " remove ostree, without which the image cannot boot"), lost.getMessage());

    // A kernel the recipe pinned under another name: no linux-image package is left.
    Map<String, String> noKernel = new TreeMap<>(base);
    noKernel.keySet().removeIf(key -> key.startsWith("linux-image-"));
    assertEquals(List.of("linux-image-amd64", BootPackages.A_KERNEL),
        BootPackages.lost(base, noKernel, KEEP));
    assertEquals(List.of(BootPackages.A_KERNEL),
        BootPackages.lost(base, noKernel, List.of("dracut")));

    // An install that conflicts with a kept package is named as such.
    BadInputException conflict =
        assertThrows(BadInputException.class,
            () -> BootPackages.refuseLost("hook h", List.of("other-init"), List.of(),
                List.of("systemd-sysv")));
    assertTrue(conflict.getMessage().startsWith("hook h: installing other-init made apt remove"
        + " systemd-sysv"), conflict.getMessage());
    assertEquals("leave out the package that conflicts with it", conflict.hint());

    BootPackages.refuseLost("the recipe's packages", List.of(), List.of("nano"), List.of());
  }
}
