package dev.debforge.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiskPlanTest {

  private static BuildPlan plan(List<String> verify) {
    PlanBuilder builder = new PlanBuilder("amd64", stage -> 1);
    String[] image =
        DiskPlan.addImage(builder, "oci-archive:/i.tar", "sha256:" + "ab".repeat(32), true,
            "amd64", null);
    DiskPlan.addDisks(
        builder, image[0], image[1], "amd64", "debian",
        new DiskPlan.Disks(List.of("qcow2"), "ext4", null, List.of(), "/out", null, null,
            List.of(), verify));
    return builder.build("test");
  }

  @Test
  void theRawDiskBootsWithEachFirmwareBeforeItIsConverted() {
    BuildPlan plan = plan(List.of("uefi", "bios"));
    assertEquals(
        List.of("extract", "ostree-commit", "deploy", "bootloader", "partition", "verify-uefi",
            "verify-bios", "convert-qcow2", "publish-disk-qcow2"),
        plan.steps().stream().map(PlannedStep::name).toList());
    PlannedStep bios = plan.steps().get(6);
    assertEquals("verify", bios.stage());
    assertEquals(Map.of("disk", "partition"), bios.inputs());
    assertEquals(
        "{\"commands\":[],\"diskFile\":\"disk.raw\",\"firmware\":\"bios\",\"format\":\"raw\","
            + "\"password\":null,\"timeoutSeconds\":null,\"user\":null}",
        bios.options());
    assertNotNull(bios.key(), "a disk that booted once is not booted again");
  }

  @Test
  void withoutVerifyThereIsNoBoot() {
    assertEquals(
        List.of("extract", "ostree-commit", "deploy", "bootloader", "partition", "convert-qcow2",
            "publish-disk-qcow2"),
        plan(List.of()).steps().stream().map(PlannedStep::name).toList());
  }
}
