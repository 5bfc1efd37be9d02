package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plan.BuildRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DiskOptionsTest {

  @Test
  void mapsAConfigFileIntoTheBuildRequest(@TempDir Path dir) throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("config.toml"),
            """
            [[customizations.user]]
            name = "alice"
            key = "ssh-ed25519 A alice"
            [customizations.kernel]
            append = "console=ttyS0 quiet"
            [[customizations.filesystem]]
            mountpoint = "/"
            minsize = "12 GiB"
            """);
    BuildCommand command = new BuildCommand();
    new CommandLine(command)
        .parseArgs("oci:/img", "--karg", "nomodeset", "--config", config.toString());
    BuildRequest request =
        command.disks.applyConfig(
            BuildRequest.build("oci:/img", "/out", List.of("qcow2"), "amd64", 0L)
                .withDisks("ext4", null, command.disks.kernelArgs));
    assertEquals(List.of("nomodeset", "console=ttyS0", "quiet"), request.kernelArgs());
    assertEquals(12L << 30, request.minRootBytes());
    assertEquals("alice", request.users().get(0).name());
    assertEquals(List.of("ssh-ed25519 A alice"), request.users().get(0).keys());
  }

  @Test
  void aBadConfigIsAUserError(@TempDir Path dir) throws Exception {
    Path config =
        Files.writeString(dir.resolve("c.json"), "{\"customizations\": {\"hostname\": \"x\"}}");
    RunCommand command = new RunCommand();
    new CommandLine(command).parseArgs("recipe.yaml", "--config", config.toString());
    UserError e =
        assertThrows(
            UserError.class,
            () ->
                command.disks.applyConfig(
                    BuildRequest.run("r", "", "/out", List.of("qcow2"), "amd64", 0L)));
    assertTrue(
        e.getMessage().startsWith(config + ":1:21: customizations.hostname: unknown key"),
        e.getMessage());
  }
}
