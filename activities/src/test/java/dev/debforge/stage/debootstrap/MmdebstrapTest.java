package dev.debforge.stage.debootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MmdebstrapTest {

  @Test
  void commandLineSharesTheAptCache() {
    DebootstrapOptions options =
        new DebootstrapOptions(
            "bookworm",
            "minbase",
            List.of("deb http://deb.debian.org/debian bookworm main"),
            List.of("dracut", "linux-image-amd64"),
            List.of("Acquire::Check-Valid-Until \"false\""));
    ToolCall call = Mmdebstrap.call(options, "amd64", Path.of("/s/out"), Path.of("/s/cache"));
    assertEquals(
        List.of(
            "mmdebstrap",
            "--mode=root",
            "--format=directory",
            "--variant=minbase",
            "--architectures=amd64",
            "--include=dracut,linux-image-amd64",
            "--aptopt=Acquire::Check-Valid-Until \"false\"",
            "--skip=essential/unlink",
            "--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives/",
            "--setup-hook=sync-in /s/cache /var/cache/apt/archives/",
            "--customize-hook=sync-out /var/cache/apt/archives /s/cache",
            "bookworm",
            "/s/out",
            "deb http://deb.debian.org/debian bookworm main"),
        call.argv());
    assertEquals(Map.of("INITRD", "No"), call.environment());
  }
}
