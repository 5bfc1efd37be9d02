package dev.debforge.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.debforge.image.ImageReference;
import dev.debforge.oci.ImageConfig;
import dev.debforge.oci.OciArchiveWriter;
import dev.debforge.oci.OciImageReader;
import dev.debforge.oci.OciImageWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A build's plan reads the digest of a local image itself, as the extract step will check it. */
class PlanDigestTest {

  @TempDir Path dir;

  @Test
  void anOciLayoutOrArchiveIsReadWithoutSkopeoAndWithoutItsLayers() throws Exception {
    // A layer larger than the metadata the plan unpacks: it is passed over.
    Path tar = dir.resolve("layer.tar");
    byte[] data = new byte[20 << 20];
    new Random(1).nextBytes(data);
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
      TarArchiveEntry entry = new TarArchiveEntry("noise");
      entry.setSize(data.length);
      out.putArchiveEntry(entry);
      out.write(data);
      out.closeArchiveEntry();
    }
    Path layout = dir.resolve("layout");
    String digest =
        new OciImageWriter()
            .write(layout, List.of(tar),
                new ImageConfig("amd64", Instant.EPOCH, Map.of("containers.bootc", "1"),
                    List.of(), List.of(), List.of(), "latest"))
            .manifestDigest();
    Path archive = dir.resolve("image.oci.tar");
    OciArchiveWriter.write(OciImageReader.open(layout, "latest"), "latest", archive);

    assertEquals(Optional.of(digest), PlanActivitiesImpl.localDigest(
        ImageReference.parse("oci:" + layout + ":latest"), "amd64"));
    assertEquals(Optional.of(digest), PlanActivitiesImpl.localDigest(
        ImageReference.parse("oci-archive:" + archive), "amd64"));
    // What it cannot read so is left to skopeo, which then says why.
    assertEquals(Optional.empty(), PlanActivitiesImpl.localDigest(
        ImageReference.parse("oci:" + layout + ":latest"), "arm64"));
    assertEquals(Optional.empty(), PlanActivitiesImpl.localDigest(
        ImageReference.parse("oci-archive:" + dir.resolve("missing.tar")), "amd64"));
    assertEquals(Optional.empty(), PlanActivitiesImpl.localDigest(
        ImageReference.parse("docker-archive:" + archive), "amd64"));
  }
}
