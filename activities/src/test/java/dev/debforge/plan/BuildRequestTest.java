package dev.debforge.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.debforge.config.ConfigUser;
import dev.debforge.config.DiskConfig;
import dev.debforge.stage.deploy.DeployOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildRequestTest {

  private static final ConfigUser ALICE =
      new ConfigUser("alice", "$6$s$h", List.of("ssh-ed25519 A"), List.of("sudo"));

  private static BuildRequest request(Long diskSize) {
    return BuildRequest.build("oci:/img", "/out", List.of("qcow2"), "amd64", 0L)
        .withDisks("ext4", diskSize, List.of("quiet"));
  }

  @Test
  void addsConfigKernelArgumentsAfterTheCommandLinesAndCarriesUsersAndRootMinimum() {
    BuildRequest applied =
        request(null)
            .withConfig(new DiskConfig(List.of(ALICE), List.of("console=ttyS0"), 20L << 30, null, null));
    assertEquals(List.of("quiet", "console=ttyS0"), applied.kernelArgs());
    assertEquals(20L << 30, applied.minRootBytes());
    assertEquals(List.of(ALICE), applied.users());
    assertNull(applied.diskSizeBytes());
  }

  @Test
  void diskMinsizeIsAMinimumThatALargerDiskSizeOverrides() {
    DiskConfig config = new DiskConfig(null, null, null, 30L << 30, null);
    assertEquals(30L << 30, request(null).withConfig(config).diskSizeBytes());
    assertEquals(30L << 30, request(10L << 30).withConfig(config).diskSizeBytes());
    assertEquals(40L << 30, request(40L << 30).withConfig(config).diskSizeBytes());
  }

  @Test
  void planPassesUsersToDeployAndRootMinimumToPartition() {
    PlanBuilder plan = new PlanBuilder("amd64", id -> 1);
    BuildRequest applied =
        request(null).withConfig(new DiskConfig(List.of(ALICE), null, 20L << 30, null, null));
    String[] image =
        DiskPlan.addImage(plan, "oci:/img", "sha256:" + "ab".repeat(32), true, "amd64", 0L);
    DiskPlan.addDisks(
        plan, image[0], image[1], "amd64", "debian",
        new DiskPlan.Disks(
            applied.types(), "ext4", null, List.of(), "/out", 0L, applied.minRootBytes(),
            applied.users(), applied.verifyFirmwares(), null),
        DiskPlanTest.HOST);
    Map<String, String> options = new java.util.HashMap<>();
    plan.build("x").steps().forEach(step -> options.put(step.name(), step.options()));
    assertEquals(
        true,
        options.get("deploy").contains("\"users\":[{\"groups\":[\"sudo\"],\"name\":\"alice\""),
        options.get("deploy"));
    assertEquals(
        true, options.get("partition").contains("\"minRootBytes\":21474836480"),
        options.get("partition"));
  }

  @Test
  void optionsWithoutConfigKeepTheirCanonicalJson() throws Exception {
    DeployOptions options = new DeployOptions("debian", List.of(), "u", "b", "e", "ext4");
    String json = PlanBuilder.CANONICAL.writeValueAsString(options);
    assertEquals(false, json.contains("users"), json);
    Map<?, ?> old =
        PlanBuilder.CANONICAL.readValue(
            "{\"osName\":\"debian\",\"kargs\":[],\"rootUuid\":\"u\",\"bootUuid\":\"b\","
                + "\"espUuid\":\"e\",\"rootFsType\":\"ext4\"}",
            Map.class);
    assertEquals(
        options,
        PlanBuilder.CANONICAL.convertValue(old, DeployOptions.class),
        "old options JSON still reads");
  }
}
