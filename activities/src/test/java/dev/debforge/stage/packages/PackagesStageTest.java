package dev.debforge.stage.packages;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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
  void whatAptTookAlongIsNamedAndABootPackageAmongItFailsTheStep() throws Exception {
    List<String> removed =
        DpkgStatus.removed(
            Map.of("libostree-1-1:amd64", "1", "ostree:amd64", "1", "nano:amd64", "7",
                "dracut:amd64", "059", "base-files:amd64", "12"),
            Map.of("dracut:amd64", "059", "base-files:amd64", "12"));
    assertEquals(List.of("libostree-1-1", "nano", "ostree"), removed);

    BadInputException lost =
        assertThrows(BadInputException.class,
            () -> PackagesStage.refuseLost(removing("libostree-1-1"), removed));
    assertTrue(lost.getMessage().startsWith(
        "packages.remove [libostree-1-1] made apt remove ostree, without which the image cannot"
            + " boot"), lost.getMessage());
    assertDoesNotThrow(() -> PackagesStage.refuseLost(removing("nano"), List.of("nano")));
  }
}
