package dev.debforge.stage.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class KernelArgsTest {

  @Test
  void imageKargsComeFirstThenTheConfiguredThenTheRoot() {
    assertEquals(
        List.of("console=ttyS0,115200", "quiet", "root=UUID=u", "rw"),
        KernelArgs.commandLine("console=ttyS0,115200", List.of("quiet"), "u", "amd64"));
  }

  @Test
  void serialConsoleIsAddedWhenNothingNamesAConsole() {
    assertEquals(
        List.of("root=UUID=u", "rw", "console=tty0", "console=ttyS0,115200n8"),
        KernelArgs.commandLine("", List.of(), "u", "amd64"));
    assertEquals(
        List.of("root=UUID=u", "rw", "console=tty0", "console=ttyAMA0,115200n8"),
        KernelArgs.commandLine("  ", List.of(), "u", "arm64"));
  }
}
