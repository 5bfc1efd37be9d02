package dev.debforge.stage.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.debforge.oci.HistoryEntry;
import dev.debforge.oci.ImageConfig;
import dev.debforge.oci.OciImageReader;
import dev.debforge.oci.OciImageWriter;
import dev.debforge.plugin.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract checks that an image's config answers before any layer is unpacked. */
class BootcConfigCheckTest {

  @TempDir Path dir;

  private OciImageReader image(String architecture, Map<String, String> labels) throws Exception {
    Path layer = Files.write(dir.resolve("empty.tar"), new byte[1024]);
    Instant created = Instant.ofEpochSecond(1_700_000_000L);
    ImageConfig config =
        new ImageConfig(
            architecture,
            created,
            labels,
            List.of(),
            List.of(),
            List.of(HistoryEntry.of(created, "empty")),
            "t");
    Path layout = dir.resolve("layout-" + architecture);
    new OciImageWriter().write(layout, List.of(layer), config);
    return OciImageReader.open(layout, "t");
  }

  @Test
  void aBootcImageOfTheBuildsArchitecturePasses() throws Exception {
    ExtractStage.requireBootcConfig(
        image("amd64", Map.of("containers.bootc", "1")), "oci:x", "amd64");
    ExtractStage.requireBootcConfig(
        image("arm64", Map.of("ostree.bootable", "true")), "oci:x", "arm64");
  }

  @Test
  void anImageForAnotherArchitectureIsRefusedWithBothNamed() throws Exception {
    OciImageReader arm = image("arm64", Map.of("containers.bootc", "1"));
    BadInputException e =
        assertThrows(
            BadInputException.class, () -> ExtractStage.requireBootcConfig(arm, "oci:x", "amd64"));
    assertEquals(
        "image oci:x is for architecture 'arm64', but this build is for amd64 (amd64)\n"
            + "Hint: use the image built for amd64, or build for arm64 with --arch",
        e.getMessage());
  }

  @Test
  void anImageWithoutTheLabelsIsNotBootc() throws Exception {
    OciImageReader plain = image("amd64", Map.of("containers.bootc", "0"));
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () -> ExtractStage.requireBootcConfig(plain, "oci:x", "amd64"));
    assertEquals(
        "image oci:x is not a bootc image: it has neither the label containers.bootc=1 nor"
            + " ostree.bootable\n"
            + "Hint: build it with `debforge compose`, or add LABEL containers.bootc=1 to its"
            + " Containerfile once it keeps the bootc image contract",
        e.getMessage());
  }
}
