package dev.debforge.stage.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateSetupTest {

  @TempDir Path dir;

  @Test
  void theFinalizeServiceAndLoginSessionsNameTheMenuScript() throws Exception {
    Path etc = Files.createDirectories(dir.resolve("deploy/etc"));
    Files.writeString(etc.resolve("environment"), "LANG=C.UTF-8");

    UpdateSetup.write(etc.getParent());
    UpdateSetup.write(etc.getParent());

    assertEquals("# Written by debforge: ostree regenerates GRUB's menu with debforge's script.\n"
            + "[Service]\nEnvironment=OSTREE_GRUB2_EXEC=/boot/grub/debforge-grub-menu\n",
        Files.readString(etc.resolve(
            "systemd/system/ostree-finalize-staged.service.d/debforge-grub-menu.conf")));
    assertEquals("LANG=C.UTF-8\nOSTREE_GRUB2_EXEC=/boot/grub/debforge-grub-menu\n",
        Files.readString(etc.resolve("environment")), "appended once, after the image's lines");
  }

  @Test
  void anEnvironmentLinkIsReplacedNotFollowedOnTheBuildHost() throws Exception {
    Path etc = Files.createDirectories(dir.resolve("deploy/etc"));
    Path host = Files.writeString(dir.resolve("host-environment"), "HOST=1\n");
    Files.createSymbolicLink(etc.resolve("environment"), host);

    UpdateSetup.write(etc.getParent());

    assertFalse(Files.isSymbolicLink(etc.resolve("environment")));
    assertEquals("OSTREE_GRUB2_EXEC=/boot/grub/debforge-grub-menu\n",
        Files.readString(etc.resolve("environment")));
    assertEquals("HOST=1\n", Files.readString(host));
  }
}
