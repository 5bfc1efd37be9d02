package dev.debforge.stage.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.debforge.plugin.ToolCall;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DracutTest {

  @Test
  void buildsAGenericReproducibleInitramfsWithTheOstreeModuleInTheImage() {
    ToolCall call = Dracut.build(Path.of("/r"), "6.1.0-1-amd64", List.of("systemd", "ostree"),
        1700000000L);
    assertEquals(
        List.of("chroot", "/r", "dracut", "--force", "--no-hostonly", "--reproducible", "--add",
            "systemd ostree", "--kver", "6.1.0-1-amd64",
            "/usr/lib/modules/6.1.0-1-amd64/initramfs.img"),
        call.argv());
    assertEquals(Map.of("SOURCE_DATE_EPOCH", "1700000000"), call.environment());
  }

  @Test
  void listingWithoutOstreePrepareRootNamesWhatIsMissing() {
    String listing =
        "-rwxr-xr-x   1 root root 18672 Mar  9  2023 usr/lib/ostree/ostree-prepare-root\n";
    assertEquals(
        List.of("etc/systemd/system/initrd-root-fs.target.wants/ostree-prepare-root.service"),
        InitramfsStage.missingFrom(listing));
  }
}
