package dev.debforge.stage.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.debforge.plugin.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootcContractTest {

  @TempDir Path root;

  @Test
  void findsTheOneKernel() throws Exception {
    kernel("6.1.0-56-amd64", true);
    Files.createDirectories(root.resolve("usr/lib/modules/6.1.0-55-amd64"));
    assertEquals("6.1.0-56-amd64", BootcContract.kernel(root));
  }

  @Test
  void rejectsAnImageWithoutKernel() throws Exception {
    Files.createDirectories(root.resolve("usr/lib/modules/6.1.0-56-amd64"));
    assertEquals(
        "the image has no kernel: no /usr/lib/modules/*/vmlinuz\n"
            + "Hint: install a linux-image package and copy its /boot/vmlinuz-KVER to"
            + " /usr/lib/modules/KVER/vmlinuz, as `debforge compose` does",
        assertThrows(BadInputException.class, () -> BootcContract.kernel(root)).getMessage());
  }

  @Test
  void rejectsAnImageWithTwoKernels() throws Exception {
    kernel("6.1.0-56-amd64", true);
    kernel("6.1.0-55-amd64", true);
    assertEquals(
        "the image has 2 kernels [6.1.0-55-amd64, 6.1.0-56-amd64]; a bootable image needs"
            + " exactly one\n"
            + "Hint: remove all but one linux-image package from the image",
        assertThrows(BadInputException.class, () -> BootcContract.kernel(root)).getMessage());
  }

  @Test
  void rejectsAKernelWithoutInitramfs() throws Exception {
    kernel("6.1.0-56-amd64", false);
    assertEquals(
        "the image has no initramfs for kernel 6.1.0-56-amd64: no"
            + " /usr/lib/modules/6.1.0-56-amd64/initramfs.img\n"
            + "Hint: build it in the image with `dracut --no-hostonly --add ostree --kver"
            + " 6.1.0-56-amd64 /usr/lib/modules/6.1.0-56-amd64/initramfs.img` (needs ostree-boot)",
        assertThrows(BadInputException.class, () -> BootcContract.kernel(root)).getMessage());
  }

  @Test
  void rejectsAnImageWithoutOstree() {
    assertEquals(
        "the image has no /usr/bin/ostree\n"
            + "Hint: install the ostree and ostree-boot packages",
        assertThrows(BadInputException.class, () -> BootcContract.requireOstree(root))
            .getMessage());
  }

  @Test
  void namesEveryMissingGrubPackageOnAmd64() throws Exception {
    assertEquals(
        "the image has no GRUB modules at /usr/lib/grub/x86_64-efi, /usr/lib/grub/i386-pc\n"
            + "Hint: install grub-efi-amd64-bin grub-pc-bin in the image; the disk's bootloader"
            + " is built from the image's GRUB",
        assertThrows(BadInputException.class, () -> BootcContract.requireGrub(root, "amd64"))
            .getMessage());
    Files.createDirectories(root.resolve("usr/lib/grub/x86_64-efi"));
    assertEquals(
        "the image has no GRUB modules at /usr/lib/grub/i386-pc",
        assertThrows(BadInputException.class, () -> BootcContract.requireGrub(root, "amd64"))
            .getMessage()
            .lines()
            .findFirst()
            .get());
    Files.createDirectories(root.resolve("usr/lib/grub/i386-pc"));
    BootcContract.requireGrub(root, "amd64");
  }

  @Test
  void arm64NeedsOnlyTheEfiModules() throws Exception {
    assertEquals(
        "Hint: install grub-efi-arm64-bin in the image; the disk's bootloader is built from the"
            + " image's GRUB",
        assertThrows(BadInputException.class, () -> BootcContract.requireGrub(root, "arm64"))
            .getMessage()
            .lines()
            .skip(1)
            .findFirst()
            .get());
    Files.createDirectories(root.resolve("usr/lib/grub/arm64-efi"));
    BootcContract.requireGrub(root, "arm64");
  }

  @Test
  void rejectsAnInitramfsWithoutOstreePrepareRoot() throws Exception {
    String listing =
        "-rwxr-xr-x   1 root root 18672 Mar  9  2023 usr/lib/ostree/ostree-prepare-root\n";
    assertEquals(
        "the initramfs of kernel 6.1 lacks"
            + " etc/systemd/system/initrd-root-fs.target.wants/ostree-prepare-root.service",
        assertThrows(
                BadInputException.class,
                () -> BootcContract.requireOstreeInitramfs("6.1", listing))
            .getMessage()
            .lines()
            .findFirst()
            .get());
  }

  @Test
  void rejectsAnInitramfsReadOnTheHostWithoutTheUnit() throws Exception {
    assertThrows(
        BadInputException.class,
        () -> BootcContract.requireOstreeInitramfs(
            "6.1", java.util.Set.of("usr/lib/ostree/ostree-prepare-root", "init")));
    BootcContract.requireOstreeInitramfs(
        "6.1", java.util.Set.of("usr/lib/ostree/ostree-prepare-root",
            "etc/systemd/system/initrd-root-fs.target.wants/ostree-prepare-root.service"));
  }

  private void kernel(String kver, boolean withInitramfs) throws Exception {
    Path dir = Files.createDirectories(root.resolve("usr/lib/modules").resolve(kver));
    Files.writeString(dir.resolve("vmlinuz"), "kernel");
    if (withInitramfs) {
      Files.writeString(dir.resolve("initramfs.img"), "initramfs");
    }
  }
}
