package dev.debforge.stage.ociexport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.stage.TestStageContext;
import dev.debforge.stage.ostreecommit.OstreeCommitStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oci-export stage for real on a small tree: without an epoch the image is dated by the
 * commit it comes from, so exporting the same stored inputs again gives the same image.
 */
class OciExportStageTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path tree() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree/data"));
    Files.createDirectories(tree.resolve("usr/bin"));
    Files.writeString(tree.resolve("usr/bin/tool"), "#!/bin/sh\necho tool\n");
    Files.createDirectories(tree.resolve("etc"));
    Files.writeString(tree.resolve("etc/hostname"), "debian\n");
    Files.createDirectories(tree.resolve("tmp"));
    Files.setLastModifiedTime(tree.resolve("etc/hostname"), FileTime.fromMillis(1_600_000_000_000L));
    return tree;
  }

  private TestStageContext context(String step, Path tree, Map<String, String> commit)
      throws Exception {
    return new TestStageContext(dir.resolve(step), "amd64")
        .withInput("tree", tree, Map.of("kernel", "6.1.0-test"))
        .withInput("commit", dir.resolve("no-repo"), commit);
  }

  private String export(String step, Path tree, Map<String, String> commit, Long epoch)
      throws Exception {
    return new OciExportStage()
        .run(context(step, tree, commit), new OciExportOptions("latest", Map.of(), epoch))
        .facts()
        .get("digest");
  }

  /** The config of the image a step wrote: index, then manifest, then config blob. */
  private JsonNode config(String step) throws Exception {
    Path layout = dir.resolve(step).resolve("output/layout");
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    JsonNode manifest = JSON.readTree(blob(layout, index.get("manifests").get(0)).toFile());
    return JSON.readTree(blob(layout, manifest.get("config")).toFile());
  }

  private static Path blob(Path layout, JsonNode descriptor) {
    String[] digest = descriptor.get("digest").asText().split(":", 2);
    return layout.resolve("blobs").resolve(digest[0]).resolve(digest[1]);
  }

  @Test
  void withoutAnEpochTheImageIsDatedByItsCommitAndIsTheSameWhenExportedAgain() throws Exception {
    Path tree = tree();
    Map<String, String> commit =
        Map.of("commit", "abc", OstreeCommitStage.TIMESTAMP, "1700000000");
    String first = export("first", tree, commit, null);
    Thread.sleep(1100);
    String again = export("again", tree, commit, null);

    assertEquals(first, again, "the same stored tree and commit give the same image");
    assertEquals(
        Instant.ofEpochSecond(1_700_000_000L).toString(), config("first").get("created").asText());
    assertEquals("abc", config("first").get("config").get("Labels").get("ostree.commit").asText());
  }

  @Test
  void anEpochDatesTheImageAndAnotherCommitTimeMakesAnotherImage() throws Exception {
    Path tree = tree();
    export("dated", tree, Map.of("commit", "abc", OstreeCommitStage.TIMESTAMP, "1"), 86_400L);
    assertEquals(Instant.ofEpochSecond(86_400L).toString(), config("dated").get("created").asText());

    String one = export("one", tree, Map.of("commit", "abc", OstreeCommitStage.TIMESTAMP, "1"), null);
    String two = export("two", tree, Map.of("commit", "abc", OstreeCommitStage.TIMESTAMP, "2"), null);
    assertNotEquals(one, two, "the same layer, dated by another commit time");
  }

  @Test
  void aCommitWithoutItsTimeAndNoEpochIsRefusedRatherThanDatedNow() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> OciExportStage.created(new OciExportOptions("t", Map.of(), null),
                Map.of("commit", "abc")));
    assertEquals(true, e.getMessage().contains("timestamp"), e.getMessage());
  }
}
