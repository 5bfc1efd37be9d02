package dev.debforge.stage.configure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.debforge.stage.configure.ConfigureOptions.UserSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigureStageTest {

  @Test
  void kernelArgumentsBecomeBootcKargsToml() {
    assertEquals(
        "# Written by debforge from the recipe's kernel.args.\n"
            + "kargs = [\"console=ttyS0,115200\", \"quiet\", \"a=\\\"b\\\"\"]\n",
        ConfigureStage.kargsToml(List.of("console=ttyS0,115200", "quiet", "a=\"b\"")));
  }

  @Test
  void newUserIsCreatedWithHomeGroupsAndPasswordHash() {
    UserSpec user =
        new UserSpec("debian", List.of("sudo", "adm"), "$6$salt$hash", List.of(), "/bin/bash",
            1000);
    assertEquals(
        List.of(
            List.of(
                "useradd", "--root", "/r", "--create-home", "--user-group", "--shell", "/bin/bash",
                "--uid", "1000", "--groups", "sudo,adm", "--password", "$6$salt$hash", "debian")),
        ShadowTools.user(Path.of("/r"), user, false));
  }

  @Test
  void existingUserIsChangedAndKeepsItsGroups() {
    UserSpec root = new UserSpec("root", List.of("adm"), "$6$x$y", List.of(), null, null);
    assertEquals(
        List.of(
            List.of("usermod", "--root", "/r", "--append", "--groups", "adm", "--password",
                "$6$x$y", "root")),
        ShadowTools.user(Path.of("/r"), root, true));
  }

  @Test
  void existingUserWithNothingToChangeRunsNothing() {
    UserSpec root = new UserSpec("root", List.of(), null, List.of("ssh-ed25519 AAAA k"), null,
        null);
    assertEquals(List.of(), ShadowTools.user(Path.of("/r"), root, true));
  }
}
