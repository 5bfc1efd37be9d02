package dev.debforge.stage.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentUsersTest {

  private static final Path ROOT = Path.of("/out/sysroot/ostree/deploy/debian/deploy/c.0");

  @Test
  void createsANewUserWithHomeGroupsAndHash() {
    DeployOptions.User alice =
        new DeployOptions.User("alice", "$6$s$h", List.of("ssh-ed25519 A"), List.of("sudo", "adm"));
    assertEquals(
        List.of(
            List.of(
                "useradd", "--root", ROOT.toString(), "--create-home", "--user-group", "--groups",
                "sudo,adm", "--password", "$6$s$h", "alice")),
        DeploymentUsers.commands(ROOT, alice, false));
  }

  @Test
  void changesAnExistingUserAndAppendsGroups() {
    DeployOptions.User root = new DeployOptions.User("root", "$6$s$h", List.of(), List.of("adm"));
    assertEquals(
        List.of(
            List.of(
                "usermod", "--root", ROOT.toString(), "--append", "--groups", "adm",
                "--password", "$6$s$h", "root")),
        DeploymentUsers.commands(ROOT, root, true));
    assertEquals(
        List.of(),
        DeploymentUsers.commands(
            ROOT, new DeployOptions.User("root", null, List.of("k"), List.of()), true),
        "an existing user with only keys needs no usermod");
  }

  @Test
  void makesTheTargetOfTheHomeLinkInsideTheDeployment(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("var"));
    // Absolute, as bootc images have it: it must resolve inside the deployment, not on the host.
    Files.createSymbolicLink(dir.resolve("home"), Path.of("/var/home"));
    DeploymentUsers.prepareHomeParent(dir);
    assertTrue(Files.isDirectory(dir.resolve("var/home")));
  }

  @Test
  void refusesAnImageWithoutHome(@TempDir Path dir) {
    BadInputException e =
        assertThrows(BadInputException.class, () -> DeploymentUsers.prepareHomeParent(dir));
    assertTrue(e.getMessage().contains("Hint: make /home a link to var/home"), e.getMessage());
  }
}
