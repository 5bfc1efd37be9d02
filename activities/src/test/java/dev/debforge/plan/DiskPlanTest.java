package dev.debforge.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.Anchor;
import dev.debforge.plugin.OutputType;
import dev.debforge.stage.deploy.DeployOptions;
import dev.debforge.stage.ostreecommit.OstreeCommitOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiskPlanTest {

  static final DiskPlan.Host HOST =
      new DiskPlan.Host("amd64", List.of("http://mirror.example/debian"));

  private static BuildPlan plan(List<String> verify) {
    return plan("ext4", verify);
  }

  private static BuildPlan plan(String rootFs, List<String> verify) {
    return plan(List.of("qcow2"), rootFs, verify);
  }

  private static BuildPlan plan(List<String> types, String rootFs, List<String> verify) {
    return plan(types, rootFs, verify, HOST);
  }

  private static BuildPlan plan(
      List<String> types, String rootFs, List<String> verify, DiskPlan.Host host) {
    PlanBuilder builder = new PlanBuilder("amd64", stage -> 1);
    String[] image =
        DiskPlan.addImage(builder, "oci-archive:/i.tar", "sha256:" + "ab".repeat(32), true,
            "amd64", null);
    DiskPlan.addDisks(
        builder, image[0], image[1], "amd64", "debian",
        new DiskPlan.Disks(types, rootFs, null, List.of(), "/out", null, null,
            List.of(), verify, null),
        host);
    return builder.build("test");
  }

  @Test
  void onlyAPlanThatFetchesToolsAsksTheHostsAptForItsArchives() {
    java.util.concurrent.atomic.AtomicInteger asked =
        new java.util.concurrent.atomic.AtomicInteger();
    DiskPlan.Host host =
        new DiskPlan.Host("amd64", () -> {
          asked.incrementAndGet();
          return List.of("http://mirror.example/debian");
        });
    plan(List.of("qcow2"), "ext4", List.of(), host);
    assertEquals(0, asked.get(), "apt-get indextargets takes half a second");
    plan(List.of("qcow2"), "xfs", List.of(), host);
    assertEquals(1, asked.get());
  }

  @Test
  void theRawDiskBootsWithEachFirmwareBeforeItIsConverted() {
    BuildPlan plan = plan(List.of("qcow2", "vmdk"), "ext4", List.of("uefi", "bios"));
    assertEquals(
        List.of("extract", "ostree-commit", "deploy", "bootloader", "partition", "verify-uefi",
            "verify-bios", "publish-disk-qcow2", "convert-vmdk", "publish-disk-vmdk"),
        plan.steps().stream().map(PlannedStep::name).toList());
    PlannedStep bios = plan.steps().get(6);
    assertEquals("verify", bios.stage());
    assertEquals(Map.of("disk", "partition"), bios.inputs());
    assertEquals(
        "{\"commands\":[],\"diskFile\":\"disk.raw\",\"firmware\":\"bios\",\"format\":\"raw\","
            + "\"password\":null,\"timeoutSeconds\":null,\"user\":null}",
        bios.options());
    assertNotNull(bios.key(), "a disk that booted once is not booted again");
    // The boots may run side by side; the conversion and publish wait for both, in order only.
    for (PlannedStep step : plan.steps().subList(0, 7)) {
      assertEquals(List.of(), step.after(), step.name());
    }
    for (PlannedStep step : plan.steps().subList(7, 10)) {
      assertEquals(List.of("verify-uefi", "verify-bios"), step.after(), step.name());
    }
    PlannedStep unverified =
        plan(List.of("qcow2", "vmdk"), "ext4", List.of()).steps().get(6);
    assertEquals("convert-vmdk", unverified.name());
    assertEquals(unverified.key(), plan.steps().get(8).key(),
        "what a step waits for is not in its key");
  }

  /** A type whose stage reads the commit and a step shared by every image's build. */
  private static final Pipeline SHARED =
      new Pipeline() {
        @Override
        public String at(PlanBuilder plan, Anchor anchor, String previous) {
          return previous;
        }

        @Override
        public Output output(String typeId, String arch) {
          return new Output("shelf", "shelf-maker", OutputType.Input.COMMIT,
              "shelf", "shelf.bin", Map.of(),
              List.of(new OutputType.SharedInput("base", "base-maker",
                  Map.of("architecture", arch))));
        }
      };

  private static BuildPlan sharedPlan(String digest) {
    PlanBuilder builder = new PlanBuilder("amd64", stage -> 1);
    String[] image =
        DiskPlan.addImage(builder, "oci-archive:/i.tar", digest, true, "amd64", null);
    DiskPlan.addDisks(
        builder, image[0], image[1], "amd64", "debian",
        new DiskPlan.Disks(List.of("shelf"), "ext4", null, List.of(), "/out", null, null,
            List.of(), List.of(), null),
        HOST, SHARED, image[0]);
    return builder.build("test", step -> step.name().startsWith("publish"));
  }

  @Test
  void aSharedInputIsAStepOfItsOwnThatBuildsOfOtherImagesShare() {
    BuildPlan one = sharedPlan("sha256:" + "ab".repeat(32));
    BuildPlan other = sharedPlan("sha256:" + "cd".repeat(32));
    assertEquals(
        List.of("extract", "ostree-commit", "shelf-base", "shelf-maker-shelf",
            "publish-disk-shelf"),
        one.steps().stream().map(PlannedStep::name).toList(),
        "no disk is made for a type that reads the commit");
    PlannedStep base = one.steps().get(2);
    assertEquals("base-maker", base.stage());
    assertEquals(Map.of(), base.inputs());
    assertEquals(base.key(), other.steps().get(2).key(), "one base for every image");
    assertEquals(Map.of("commit", "ostree-commit", "base", "shelf-base"),
        one.steps().get(3).inputs());
    assertNotEquals(
        one.steps().get(3).key(), other.steps().get(3).key());
  }

  private static String deployOptions(DeployOptions.Origin origin) {
    PlanBuilder builder = new PlanBuilder("amd64", stage -> 1);
    String[] image =
        DiskPlan.addImage(builder, "oci-archive:/i.tar", "sha256:" + "ab".repeat(32), true,
            "amd64", null);
    DiskPlan.addDisks(
        builder, image[0], image[1], "amd64", "debian",
        new DiskPlan.Disks(List.of("qcow2"), "ext4", null, List.of(), "/out", null, null,
            List.of(), List.of(), origin),
        HOST);
    return builder.build("test").steps().stream()
        .filter(step -> step.name().equals("deploy"))
        .findFirst()
        .orElseThrow()
        .options();
  }

  @Test
  void theOriginReachesTheDeployStep() throws Exception {
    String json =
        deployOptions(new DeployOptions.Origin("https://example.org/repo", "debian/x/x86_64"));
    assertTrue(
        json.contains(
            ",\"origin\":{\"ref\":\"debian/x/x86_64\",\"url\":\"https://example.org/repo\"},"),
        json);
    assertEquals(
        new DeployOptions.Origin("https://example.org/repo", "debian/x/x86_64"),
        PlanBuilder.CANONICAL.readValue(json, DeployOptions.class).origin());
    assertTrue(
        deployOptions(new DeployOptions.Origin("file:///r", null))
            .contains("\"origin\":{\"url\":\"file:///r\"}"),
        "the default ref, the commit's, is left out");
  }

  @Test
  void aBuildCommitsTheExtractedTreesFilesAsTheyAre() throws Exception {
    PlanBuilder builder = new PlanBuilder("amd64", stage -> 1);
    DiskPlan.addImage(builder, "oci-archive:/i.tar", "sha256:" + "ab".repeat(32), true, "amd64",
        null);
    String options = builder.build("test").steps().stream()
        .filter(step -> step.name().equals("ostree-commit"))
        .findFirst()
        .orElseThrow()
        .options();
    assertTrue(
        PlanBuilder.CANONICAL.readValue(options, OstreeCommitOptions.class).adopt(), options);
  }

  @Test
  void withoutAnOriginTheDeployOptionsHaveNoOriginKey() throws Exception {
    String json = deployOptions(null);
    List<String> keys = new java.util.ArrayList<>();
    PlanBuilder.CANONICAL.readTree(json).fieldNames().forEachRemaining(keys::add);
    assertEquals(
        List.of("bootUuid", "espUuid", "kargs", "osName", "rootFsType", "rootUuid"),
        keys,
        "the keys the deploy options had before origins existed, so stored steps stay found: "
            + json);
  }

  @Test
  void withoutVerifyThereIsNoBoot() {
    assertEquals(
        List.of("extract", "ostree-commit", "deploy", "bootloader", "partition",
            "publish-disk-qcow2"),
        plan(List.of()).steps().stream().map(PlannedStep::name).toList());
  }

  @Test
  void anXfsRootIsMadeWithXfsprogsUnpackedFromSidForTheHost() {
    BuildPlan plan = plan("xfs", List.of());
    assertEquals(
        List.of("extract", "ostree-commit", "deploy", "bootloader", "tools", "partition",
            "publish-disk-qcow2"),
        plan.steps().stream().map(PlannedStep::name).toList());
    PlannedStep tools = plan.steps().get(4);
    assertEquals(
        "{\"aptOptions\":[\"Acquire::Check-Valid-Until \\\"false\\\"\"],"
            + "\"hostArchitecture\":\"amd64\",\"packages\":[\"xfsprogs\"],"
            + "\"sources\":[\"deb http://mirror.example/debian sid main\"],\"suite\":\"sid\"}",
        tools.options());
    assertEquals(
        Map.of("sysroot", "deploy", "bootloader", "bootloader", "tools", "tools"),
        plan.steps().get(5).inputs());
  }

  @Test
  void theDisksAtTheirFullSizeArePublishedWithABlockMapTheOthersWithTheirSha256() {
    BuildPlan plan = plan(List.of("raw", "qcow2", "vhd", "vmdk"), "ext4", List.of());
    // raw is the partition step's disk itself: published from it, not copied by a convert step;
    // qcow2 is converted from it as it is published; vhd and vmdk are stored first.
    assertEquals(
        List.of("extract", "ostree-commit", "deploy", "bootloader", "partition",
            "publish-disk-raw", "publish-disk-qcow2", "convert-vhd", "publish-disk-vhd",
            "convert-vmdk", "publish-disk-vmdk"),
        plan.steps().stream().map(PlannedStep::name).toList());
    Map<String, String> converts = new java.util.TreeMap<>();
    for (PlannedStep step : plan.steps()) {
      if (step.stage().equals("publish-disk")) {
        String convert = step.options().replaceAll(".*\"convert\":(\"?\\w+\"?).*", "$1");
        converts.put(step.name(), step.inputs().get("disk") + " " + convert);
      }
    }
    assertEquals(
        Map.of("publish-disk-raw", "partition null", "publish-disk-qcow2", "partition \"qcow2\"",
            "publish-disk-vhd", "convert-vhd null", "publish-disk-vmdk", "convert-vmdk null"),
        converts);
    Map<String, String> options = new java.util.TreeMap<>();
    for (PlannedStep step : plan.steps()) {
      if (step.stage().equals("publish-disk")) {
        options.put(step.name(), step.options().replaceAll(".*\"blockMap\":(\\w+).*", "$1"));
      }
    }
    assertEquals(
        Map.of("publish-disk-raw", "true", "publish-disk-vhd", "true",
            "publish-disk-qcow2", "false", "publish-disk-vmdk", "false"),
        options);
  }

  @Test
  void ext4AndBtrfsRootsNeedNoTools() {
    for (String fs : List.of("ext4", "btrfs")) {
      assertEquals(
          Map.of("sysroot", "deploy", "bootloader", "bootloader"),
          plan(fs, List.of()).steps().get(4).inputs());
    }
  }
}
