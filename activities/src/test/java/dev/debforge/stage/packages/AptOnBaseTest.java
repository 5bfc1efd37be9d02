package dev.debforge.stage.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AptOnBaseTest {

  @Test
  void copiesTheBaseInAndInstallsThenPurgesWithApt() {
    PackagesOptions options =
        new PackagesOptions(
            "bookworm",
            List.of("deb http://deb.debian.org/debian bookworm main"),
            List.of("htop", "openssh-server"),
            List.of("nano"),
            List.of("Acquire::Check-Valid-Until \"false\""));
    ToolCall call =
        AptOnBase.call(options, "arm64", Path.of("/s/base"), Path.of("/s/out"), Path.of("/s/c"));
    assertEquals(
        List.of(
            "mmdebstrap",
            "--mode=root",
            "--format=directory",
            "--variant=custom",
            "--architectures=arm64",
            "--aptopt=Acquire::Check-Valid-Until \"false\"",
            "--setup-hook=cp -a --reflink=auto '/s/base/.' \"$1\"/",
            "--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives/",
            "--setup-hook=sync-in /s/c /var/cache/apt/archives/",
            "--customize-hook=" + AptOnBase.APT + " install htop openssh-server",
            "--customize-hook=" + AptOnBase.APT + " purge --auto-remove nano",
            "--customize-hook=sync-out /var/cache/apt/archives /s/c",
            "bookworm",
            "/s/out",
            "deb http://deb.debian.org/debian bookworm main"),
        call.argv());
    assertEquals(
        Map.of("INITRD", "No", "DEBIAN_FRONTEND", "noninteractive"), call.environment());
  }

  @Test
  void theBasePathIsOneShellWord() {
    assertEquals("'/s/it'\\''s/.'", AptOnBase.quoted("/s/it's/."));
  }

  @Test
  void removalsAloneRunNoInstall() {
    ToolCall call =
        AptOnBase.call(
            new PackagesOptions("sid", List.of("deb http://m/debian sid main"), List.of(),
                List.of("less"), null),
            "amd64", Path.of("/b"), Path.of("/o"), Path.of("/c"));
    assertEquals(
        List.of("--customize-hook=" + AptOnBase.APT + " purge --auto-remove less"),
        call.argv().stream().filter(a -> a.contains("apt-get")).toList());
  }
}
