package dev.debforge.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.image.ImageReference.Transport;
import dev.debforge.plugin.BadInputException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {

  @Test
  void localTransportsSplitThePathFromTheInnerReference() throws Exception {
    ImageReference oci = ImageReference.parse("oci:/srv/layout:stable");
    assertEquals(Transport.OCI, oci.transport());
    assertEquals(Path.of("/srv/layout"), oci.path());
    assertEquals("stable", oci.reference());

    ImageReference archive = ImageReference.parse("oci-archive:img.oci.tar");
    assertEquals(Transport.OCI_ARCHIVE, archive.transport());
    assertNull(archive.reference());

    ImageReference docker = ImageReference.parse("docker-archive:/tmp/img.tar:debforge/min:1");
    assertEquals(Transport.DOCKER_ARCHIVE, docker.transport());
    assertEquals("/tmp/img.tar", docker.location());
    assertEquals("debforge/min:1", docker.reference(), "a docker archive names NAME:TAG");
    assertEquals("docker-archive:/tmp/img.tar:debforge/min:1", docker.toString());
  }

  @Test
  void remoteTransportsKeepTheWholeReference() throws Exception {
    ImageReference registry = ImageReference.parse("docker://127.0.0.1:5000/debian/min:latest");
    assertEquals(Transport.DOCKER, registry.transport());
    assertEquals("127.0.0.1:5000/debian/min:latest", registry.location());
    assertNull(registry.reference());
    assertEquals("docker://127.0.0.1:5000/debian/min:latest", registry.toString());
    assertFalse(registry.transport().local());
    assertEquals(registry, registry.absolute());
    assertThrows(IllegalStateException.class, registry::path);

    ImageReference storage = ImageReference.parse("containers-storage:localhost/min:latest");
    assertEquals(Transport.CONTAINERS_STORAGE, storage.transport());
    assertEquals("localhost/min:latest", storage.location());
  }

  @Test
  void aRelativePathIsMadeAbsoluteForTheWorker() throws Exception {
    ImageReference relative = ImageReference.parse("oci:out/../layout:t");
    ImageReference absolute = relative.absolute();
    assertTrue(absolute.path().isAbsolute());
    assertEquals(Path.of("layout").toAbsolutePath(), absolute.path());
    assertEquals("t", absolute.reference());
  }

  @Test
  void aMissingTransportOrLocationIsBadInputWithAHint() {
    BadInputException none =
        assertThrows(BadInputException.class, () -> ImageReference.parse("/srv/img.tar"));
    assertEquals(
        "image '/srv/img.tar' has no transport\nHint: start it with one of oci:, oci-archive:,"
            + " docker-archive:, containers-storage:, docker:// (as skopeo does)",
        none.getMessage());
    BadInputException empty =
        assertThrows(BadInputException.class, () -> ImageReference.parse("docker://"));
    assertTrue(empty.getMessage().startsWith("image 'docker://' names no location"));
  }
}
