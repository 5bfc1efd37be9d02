package dev.debforge.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.debforge.plugin.BadInputException;
import org.junit.jupiter.api.Test;

/** Where each architecture's image goes before the index is made of them. */
class MultiArchTest {

  @Test
  void fileDestinationsStageBesideThemselves() throws Exception {
    String work = MultiArch.workDirectory("oci-archive:/out/img.tar", "b-1");
    assertEquals("/out/.img.tar.multiarch-b-1", work);
    assertEquals("oci:/out/.img.tar.multiarch-b-1/arm64:arm64",
        MultiArch.imageOf("oci-archive:/out/img.tar", work, "arm64"));
    assertEquals("/out/.layout.multiarch-b-2",
        MultiArch.workDirectory("oci:/out/layout:1.0", "b-2"));
  }

  @Test
  void registriesGetATagPerArchitecture() throws Exception {
    assertNull(MultiArch.workDirectory("docker://reg:5000/a/b:1.0", "b"));
    assertEquals("docker://reg:5000/a/b:1.0-arm64",
        MultiArch.imageOf("docker://reg:5000/a/b:1.0", null, "arm64"));
    assertEquals("docker://reg:5000/a/b:latest-amd64",
        MultiArch.imageOf("docker://reg:5000/a/b", null, "amd64"));
  }

  @Test
  void destinationsWithoutIndexesAreRefused() {
    assertThrows(BadInputException.class,
        () -> MultiArch.workDirectory("docker-archive:/out/x.tar", "b"));
    assertThrows(BadInputException.class,
        () -> MultiArch.workDirectory("docker://reg/a@sha256:0123", "b"));
    assertEquals("/out/amd64", MultiArch.disksOf("/out", "amd64"));
  }
}
