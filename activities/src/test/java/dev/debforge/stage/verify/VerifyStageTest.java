package dev.debforge.stage.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.boot.Firmware;
import dev.debforge.plugin.BadInputException;
import dev.debforge.verify.BootReport;
import dev.debforge.verify.QemuOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyStageTest {

  @TempDir Path dir;

  @Test
  void defaultsToUefiAndRejectsUnknownFirmware() throws Exception {
    assertEquals(Firmware.UEFI, VerifyStage.firmware(null));
    assertEquals(Firmware.BIOS, VerifyStage.firmware("BIOS"));
    assertThrows(BadInputException.class, () -> VerifyStage.firmware("coreboot"));
  }

  @Test
  void rejectsAUserWithoutPasswordAndCommandsWithoutUser() {
    assertThrows(
        BadInputException.class,
        () -> VerifyStage.credentials(new VerifyOptions(null, null, null, null, "root", null, null)));
    assertThrows(
        BadInputException.class,
        () -> VerifyStage.credentials(
            new VerifyOptions(null, null, null, null, null, null, List.of("true"))));
  }

  @Test
  void stopsAtLoginWithoutCredentials() throws Exception {
    assertNull(VerifyStage.credentials(new VerifyOptions(null, null, null, null, null, null, null)));
  }

  @Test
  void picksTheOnlyDiskFileAndItsFormat() throws Exception {
    Files.writeString(dir.resolve("disk.qcow2"), "");
    Path disk = VerifyStage.diskFile(dir, null);
    assertEquals("qcow2", VerifyStage.formatOf(disk));
    assertEquals("vpc", VerifyStage.formatOf(Path.of("a.vhd")));
    assertEquals("vhdx", VerifyStage.formatOf(Path.of("vhdx/disk.vhdx")));
    assertEquals("vdi", VerifyStage.formatOf(Path.of("vdi/disk.VDI")));
    assertEquals("raw", VerifyStage.formatOf(Path.of("disk.img")));
    assertEquals("iso", VerifyStage.formatOf(Path.of("bootiso/install.iso")));
  }

  @Test
  void anExtraDriveIsQcow2OrRawByItsNameAndAnIsoIsAPlainDisk() {
    assertEquals(
        new QemuOptions.Drive(Path.of("/v2/repo.qcow2"), "qcow2"),
        VerifyStage.extraDrive(Path.of("/v2/repo.qcow2")));
    assertEquals("raw", VerifyStage.extraDrive(Path.of("/v2/repo.img")).format());
    assertEquals("raw", VerifyStage.extraDrive(Path.of("/v2/repo.iso")).format());
  }

  @Test
  void asksWhichDiskWhenThereAreSeveral() throws Exception {
    Files.writeString(dir.resolve("disk.qcow2"), "");
    Files.writeString(dir.resolve("disk.raw"), "");
    BadInputException e =
        assertThrows(BadInputException.class, () -> VerifyStage.diskFile(dir, null));
    assertTrue(e.getMessage().contains("Hint: set verify.diskFile"));
    assertThrows(BadInputException.class, () -> VerifyStage.diskFile(dir, "../etc/passwd"));
  }

  @Test
  void reportsFactsPerCommandBounded() {
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("uname -r", "6.1.0-test");
    outputs.put("yes", "y\n".repeat(5000));
    BootReport report =
        new BootReport(
            true,
            42.13,
            "uefi",
            "tcg",
            outputs,
            Map.of("uname -r", 0, "yes", 0),
            "",
            "Debian GNU/Linux 12 debian ttyS0\n\ndebian login: ");
    Map<String, String> facts = VerifyStage.facts(report, List.of("uname -r", "yes"));
    assertEquals("yes", facts.get("login"));
    assertEquals("42.1", facts.get("secondsToLogin"));
    assertEquals("uefi", facts.get("firmware"));
    assertEquals("tcg", facts.get("accelerator"));
    assertEquals("debian login:", facts.get("prompt"));
    assertEquals("6.1.0-test", facts.get("cmd.1"));
    assertEquals("0", facts.get("cmd.1.exit"));
    assertEquals(VerifyStage.FACT_LIMIT, facts.get("cmd.2").length());
  }
}
