package dev.debforge.stage.publishostree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.BadInputException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PublishOstreeStageTest {

  @Test
  void theRepositoryIsTakenAsGivenWhenAbsolute() throws Exception {
    assertEquals(
        Path.of("/srv/ostree"),
        PublishOstreeStage.repository(new PublishOstreeOptions("/srv/./ostree")));
  }

  @Test
  void aRelativeRepositoryIsRefused() {
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () -> PublishOstreeStage.repository(new PublishOstreeOptions("srv/ostree")));
    assertTrue(
        e.getMessage().startsWith("publish-ostree: the repository srv/ostree is not an absolute"),
        e.getMessage());
  }

  @Test
  void aRelativeGpgHomeDirectoryIsRefused() throws Exception {
    assertEquals(null, PublishOstreeStage.homedir(new PublishOstreeOptions("/srv/ostree")));
    assertEquals("/root/.gnupg", PublishOstreeStage.homedir(
        new PublishOstreeOptions("/srv/ostree", "5FC54DA6", "/root/./.gnupg")));
    BadInputException e = assertThrows(BadInputException.class, () -> PublishOstreeStage.homedir(
        new PublishOstreeOptions("/srv/ostree", "5FC54DA6", ".gnupg")));
    assertTrue(e.getMessage().contains("--ostree-gpg-homedir"), e.getMessage());
  }

  @Test
  void noRepositoryIsRefused() {
    assertThrows(
        BadInputException.class,
        () -> PublishOstreeStage.repository(new PublishOstreeOptions(" ")));
  }
}
