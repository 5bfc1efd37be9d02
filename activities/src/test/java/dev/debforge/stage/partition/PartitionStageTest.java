package dev.debforge.stage.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.plugin.ToolCall;
import dev.debforge.process.ProcessRunner;
import dev.debforge.stage.TestStageContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The partition stage for real (sfdisk, mkfs.ext4, mkfs.vfat, mtools, debugfs) on a small
 * sysroot: the root file system holds the sysroot with /boot empty, /boot holds the sysroot's
 * /boot and the bootloader's, and the stored input is left as it was.
 */
class PartitionStageTest {

  @TempDir Path dir;

  private static String debugfs(Path disk, long offset, String command) throws Exception {
    return ProcessRunner.logging(line -> {})
        .run(ToolCall.of(List.of("debugfs", "-R", command, disk + "?offset=" + offset),
            Duration.ofMinutes(1)))
        .stdout();
  }

  @Test
  void theRootHasTheSysrootWithAnEmptyBootAndBootHasItsOwnAndTheBootloaders() throws Exception {
    Path deploy = dir.resolve("deploy");
    Path sysroot = deploy.resolve("sysroot");
    Files.createDirectories(sysroot.resolve("boot/loader/entries"));
    Files.writeString(sysroot.resolve("boot/loader/entries/ostree-1-debian.conf"), "title x\n");
    Files.createDirectories(sysroot.resolve("boot/ostree/debian-abc"));
    Files.writeString(sysroot.resolve("boot/ostree/debian-abc/vmlinuz-6.1"), "kernel\n");
    Path tool = sysroot.resolve("ostree/deploy/debian/deploy/abc.0/usr/bin/tool");
    Files.createDirectories(tool.getParent());
    Files.writeString(tool, "#!/bin/sh\n");
    Path bootloader = dir.resolve("bootloader");
    Files.createDirectories(bootloader.resolve("boot/grub"));
    Files.writeString(bootloader.resolve("boot/grub/grub.cfg"), "menuentry x {}\n");
    Files.createDirectories(bootloader.resolve("esp/EFI/BOOT"));
    Files.writeString(bootloader.resolve("esp/EFI/BOOT/BOOTX64.EFI"), "efi\n");

    TestStageContext context =
        new TestStageContext(dir.resolve("step"), "amd64")
            .withInput("sysroot", deploy, Map.of())
            .withInput("bootloader", bootloader, Map.of());
    Map<String, String> facts =
        new PartitionStage()
            .run(context, new PartitionOptions("seed", "ext4", null, List.of("uefi"), 0L))
            .facts();
    assertEquals("ext4", facts.get("rootFsType"));

    Path disk = context.output().resolve("disk.raw");
    JsonNode table =
        new ObjectMapper().readTree(ProcessRunner.logging(line -> {})
            .run(ToolCall.of(List.of("sfdisk", "--json", disk.toString()), Duration.ofMinutes(1)))
            .stdout());
    long rootOffset = -1;
    long bootOffset = -1;
    for (JsonNode partition : table.path("partitiontable").path("partitions")) {
      long offset = partition.path("start").asLong() * 512;
      if (partition.path("name").asText().equals("root")) {
        rootOffset = offset;
      } else if (partition.path("name").asText().equals("boot")) {
        bootOffset = offset;
      }
    }
    assertTrue(rootOffset > 0 && bootOffset > 0, table.toString());

    String rootBoot = debugfs(disk, rootOffset, "ls -p /boot");
    assertFalse(rootBoot.contains("loader") || rootBoot.contains("ostree"),
        "the root's /boot is only a mount point: " + rootBoot);
    assertTrue(debugfs(disk, rootOffset, "cat /ostree/deploy/debian/deploy/abc.0/usr/bin/tool")
        .contains("#!/bin/sh"));
    String boot = debugfs(disk, bootOffset, "ls -p /");
    assertTrue(boot.contains("/loader/") && boot.contains("/ostree/") && boot.contains("/grub/"),
        boot);
    assertTrue(Files.isRegularFile(sysroot.resolve("boot/ostree/debian-abc/vmlinuz-6.1")),
        "the input keeps its /boot");
    assertFalse(Files.exists(context.scratch().resolve("rootfs")), "the root's copy is gone");
  }
}
