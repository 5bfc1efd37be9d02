package dev.debforge.stage.ociexport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayerTarTest {

  @Test
  void layerKeepsOwnersAndXattrsAndExcludesRuntimeDirectoriesAnchored() {
    List<String> argv = LayerTar.create(Path.of("/tree"), Path.of("/s/layer.tar"), 1700000000L)
        .argv();
    assertEquals(
        List.of("tar", "--create", "--file=/s/layer.tar", "--directory=/tree", "--format=pax",
            "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
            "--numeric-owner", "--xattrs", "--xattrs-include=*", "--sort=name",
            "--mtime=@1700000000", "--clamp-mtime", "--anchored", "--exclude=./dev/*",
            "--exclude=./proc/*", "--exclude=./sys/*", "--exclude=./run/*", "--exclude=./tmp/*",
            "."),
        argv);
  }

  @Test
  void withoutAnEpochFileTimesAreKept() {
    List<String> argv = LayerTar.create(Path.of("/t"), Path.of("/l.tar"), null).argv();
    assertTrue(argv.stream().noneMatch(a -> a.startsWith("--mtime")));
  }

  @Test
  void labelsMarkABootcImageWithItsCommitAndKernel() {
    assertEquals(
        Map.of("containers.bootc", "1", "ostree.bootable", "1", "ostree.commit", "abc",
            "ostree.linux", "6.1"),
        OciExportStage.bootcLabels(Map.of("commit", "abc"), Map.of("kernel", "6.1")));
  }
}
