package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.store.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An arm64 disk from the shipped recipe, composed on this amd64 machine (the image's programs
 * run through qemu-user-static) and booted to a login under UEFI (AAVMF) in qemu-system-aarch64
 * with software emulation: the slowest test here, about 12 minutes, most of it mmdebstrap and
 * dracut under emulation.
 */
class Arm64DiskIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ESP = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
  private static final String BIOS_BOOT = "21686148-6449-6E6F-744E-656564454649";

  @Test
  void anArm64DiskHasNoBiosBootPartitionAndBootsWithUefi() throws Exception {
    Path out = Files.createTempDirectory("debforge-arm64-it");
    try {
      CliRun run =
          CliRun.of("run", ComposeIT.RECIPE, "--arch", "arm64", "--type", "qcow2,raw", "-o",
              out.toString(), "--store", ComposeIT.STORE.toString(), "--json");
      assertEquals(0, run.exitCode(), run.err());

      JsonNode table =
          JSON.readTree(Tools.run("sfdisk", "--json", out.resolve("image/disk.raw").toString()));
      List<String> types = new ArrayList<>();
      table.get("partitiontable").get("partitions").forEach(p -> types.add(p.get("type")
          .asText()));
      assertTrue(types.contains(ESP), types.toString());
      assertFalse(types.contains(BIOS_BOOT), "arm64 boots with UEFI only: " + types);

      String cmdline = "cat /proc/cmdline";
      CliRun verify =
          CliRun.of("verify", out.resolve("qcow2/disk.qcow2").toString(), "--arch", "arm64",
              "--firmware", "uefi", "--timeout", "900", "--user", "debian", "--password",
              "debian", "--json", "--command", "uname -m", "--command", cmdline,
              "--command", "ostree admin status");
      assertEquals(0, verify.exitCode(), verify.err());
      JsonNode report = JSON.readTree(verify.out());
      // An arm64 guest runs under KVM only on an arm64 host whose KVM works; here it is emulated.
      assertEquals(
          dev.debforge.verify.Accelerator.detectFor("arm64").qemuName(),
          report.get("accelerator").asText());
      JsonNode commands = report.get("commands");
      assertEquals("aarch64", commands.get("uname -m").asText());
      assertTrue(commands.get(cmdline).asText().contains("console=ttyAMA0,115200"),
          commands.get(cmdline).asText());
      assertTrue(commands.get(cmdline).asText().contains("root=UUID="));
      assertTrue(commands.get("ostree admin status").asText().startsWith("* debian "));
    } finally {
      Trees.delete(out);
    }
  }
}
