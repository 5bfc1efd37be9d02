package dev.debforge.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.disk.Architecture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrubMkimageTest {

  @Test
  void buildsTheX86EfiImageWithVideoModules() {
    List<String> argv =
        GrubMkimage.call(
                new GrubMkimage.Options(
                    Architecture.AMD64, Firmware.UEFI, Path.of("/img/usr/lib/grub/x86_64-efi"),
                    Path.of("BOOTX64.EFI"), "/EFI/BOOT", null))
            .argv();
    List<String> expected =
        new ArrayList<>(
            List.of("grub-mkimage", "-O", "x86_64-efi", "-d", "/img/usr/lib/grub/x86_64-efi",
                "-o", "BOOTX64.EFI", "-p", "/EFI/BOOT"));
    expected.addAll(GrubMkimage.COMMON_MODULES);
    expected.addAll(List.of("efi_gop", "efi_uga", "all_video"));
    assertEquals(expected, argv);
  }

  @Test
  void buildsCoreImgWithEarlyConfigAndBiosdisk() {
    List<String> argv =
        GrubMkimage.call(
                new GrubMkimage.Options(
                    Architecture.AMD64, Firmware.BIOS, Path.of("/g/i386-pc"), Path.of("core.img"),
                    "/grub", Path.of("early.cfg")))
            .argv();
    assertEquals(
        List.of("grub-mkimage", "-O", "i386-pc", "-d", "/g/i386-pc", "-o", "core.img",
            "-p", "/grub", "-c", "early.cfg", "part_gpt"),
        argv.subList(0, 12));
    assertEquals("biosdisk", argv.get(argv.size() - 1));
    assertFalse(argv.contains("efi_gop"));
  }

  @Test
  void arm64UefiHasNoUga() {
    List<String> modules = GrubMkimage.modules(Architecture.ARM64, Firmware.UEFI);
    assertEquals("arm64-efi", GrubMkimage.format(Architecture.ARM64, Firmware.UEFI));
    assertTrue(modules.contains("efi_gop") && modules.contains("all_video"));
    assertFalse(modules.contains("efi_uga"));
  }

  @Test
  void refusesBiosOnArm64() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GrubMkimage.format(Architecture.ARM64, Firmware.BIOS));
    assertTrue(e.getMessage().contains("UEFI only"));
  }
}
