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
    assertEquals("# Written by debforge: ostree regenerates GRUB's menu with debforge's script.\n"
            + "[Manager]\nDefaultEnvironment=OSTREE_GRUB2_EXEC=/boot/grub/debforge-grub-menu\n",
        Files.readString(etc.resolve("systemd/system.conf.d/debforge-grub-menu.conf")));
    assertEquals("LANG=C.UTF-8\nOSTREE_GRUB2_EXEC=/boot/grub/debforge-grub-menu\n",
        Files.readString(etc.resolve("environment")), "appended once, after the image's lines");
  }

  @Test
  void anEnvironmentLinkIsReadInsideTheDeploymentNotOnTheBuildHost() throws Exception {
    Path deploy = dir.resolve("deploy");
    Path etc = Files.createDirectories(deploy.resolve("etc"));
    Files.createDirectories(deploy.resolve("usr/share/env"));
    Files.writeString(deploy.resolve("usr/share/env/image"), "IMAGE=1\n");
    Path host = Files.writeString(dir.resolve("host-environment"), "HOST=1\n");
    // An absolute link names the image's file, whatever the build host has there.
    Files.createSymbolicLink(etc.resolve("environment"),
        Path.of("/usr/share/env/image"));

    UpdateSetup.write(deploy);

    assertFalse(Files.isSymbolicLink(etc.resolve("environment")));
    assertEquals("IMAGE=1\nOSTREE_GRUB2_EXEC=/boot/grub/debforge-grub-menu\n",
        Files.readString(etc.resolve("environment")));
    assertEquals("IMAGE=1\n", Files.readString(deploy.resolve("usr/share/env/image")),
        "the image's file is not written through the link");
    assertEquals("HOST=1\n", Files.readString(host));
  }

  @Test
  void aLinkLeadingOutOfTheDeploymentIsNotRead() throws Exception {
    Path deploy = dir.resolve("deploy");
    Path etc = Files.createDirectories(deploy.resolve("etc"));
    Files.writeString(dir.resolve("outside"), "OUTSIDE=1\n");
    Files.createSymbolicLink(etc.resolve("environment"), Path.of("../../outside"));

    UpdateSetup.write(deploy);

    assertEquals("OSTREE_GRUB2_EXEC=/boot/grub/debforge-grub-menu\n",
        Files.readString(etc.resolve("environment")));
  }
}
