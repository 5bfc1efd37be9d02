package dev.debforge.stage.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.debforge.store.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DracutInputsTest {

  private static final String KVER = "6.1.0-1-amd64";

  @TempDir Path root;
  private DracutInputs.Record record;
  private String before;

  /**
   * A tree as dracut saw it: one module that looks for lvm and takes sysctl files by pattern,
   * bash and a sysctl file copied into the archive, and an ld.so.cache dracut wrote its own of.
   */
  @BeforeEach
  void dracutRanInATree() throws IOException {
    write("usr/lib/dracut/modules.d/90lvm/module-setup.sh",
        "check() { require_binaries lvm || return 1; }\n"
            + "install() { inst_multiple -o bash /usr/lib/sysctl.d/*.conf; }\n");
    write("usr/bin/dracut", "#!/bin/bash\n# builds an initramfs\n");
    write("usr/lib/modules/" + KVER + "/kernel/fs/ext4.ko", "ext4 module");
    write("usr/lib/modules/" + KVER + "/modules.dep", "kernel/fs/ext4.ko:\n");
    write("usr/lib/modules/" + KVER + "/initramfs.img", "the archive itself");
    write("usr/bin/bash", "bash binary");
    write("usr/lib/sysctl.d/10-a.conf", "kernel.x = 1\n");
    write("etc/ld.so.cache", "the tree's cache");
    write("etc/motd", "hello\n");

    Map<String, InitramfsListing.Entry> archive = new TreeMap<>();
    archive.put("usr", directory());
    archive.put("usr/bin", directory());
    archive.put("usr/bin/bash", file("bash binary"));
    archive.put("usr/lib/sysctl.d/10-a.conf", file("kernel.x = 1\n"));
    archive.put("etc/ld.so.cache", file("the archive's cache"));
    archive.put("etc/initrd-release", file("written by dracut"));
    archive.put("init", new InitramfsListing.Entry(0120777, "usr/lib/systemd/systemd"));
    record = DracutInputs.record(root, archive);
    before = DracutInputs.digest(root, KVER, record);
  }

  @Test
  void theRecordHoldsWhatWasCopiedAndWhereFrom() {
    assertEquals(List.of("usr/bin/bash", "usr/lib/sysctl.d/10-a.conf"), record.copied());
    assertEquals(List.of("usr/lib/sysctl.d"), record.directories());
  }

  @Test
  void aPackageNoModuleNamesKeepsTheDigest() throws IOException {
    write("usr/bin/htop", "htop binary");
    write("usr/share/doc/htop/copyright", "GPL");
    write("var/lib/dpkg/status", "Package: htop\n");
    write("etc/ld.so.cache", "a cache with htop's libraries");
    write("etc/motd", "changed\n");
    assertEquals(before, DracutInputs.digest(root, KVER, record));
  }

  @Test
  void aBinaryAModuleLooksForChangesIt() throws IOException {
    write("usr/sbin/lvm", "lvm binary");
    assertNotEquals(before, DracutInputs.digest(root, KVER, record));
  }

  @Test
  void aChangedCopiedFileChangesIt() throws IOException {
    write("usr/bin/bash", "bash binary, newer");
    assertNotEquals(before, DracutInputs.digest(root, KVER, record));
  }

  @Test
  void aCopiedFilesModeChangesIt() throws IOException {
    Files.setPosixFilePermissions(root.resolve("usr/bin/bash"),
        PosixFilePermissions.fromString("rwx------"));
    assertNotEquals(before, DracutInputs.digest(root, KVER, record));
  }

  @Test
  void aNewFileBesideCopiedOnesChangesIt() throws IOException {
    write("usr/lib/sysctl.d/99-new.conf", "kernel.y = 2\n");
    assertNotEquals(before, DracutInputs.digest(root, KVER, record));
  }

  @Test
  void dracutConfigurationChangesIt() throws IOException {
    write("etc/dracut.conf.d/10-compress.conf", "compress=zstd\n");
    assertNotEquals(before, DracutInputs.digest(root, KVER, record));
  }

  @Test
  void aNewKernelModuleChangesIt() throws IOException {
    write("usr/lib/modules/" + KVER + "/updates/dkms/zfs.ko", "zfs");
    assertNotEquals(before, DracutInputs.digest(root, KVER, record));
  }

  @Test
  void firmwareChangesIt() throws IOException {
    write("usr/lib/firmware/i915/dg2.bin", "firmware");
    assertNotEquals(before, DracutInputs.digest(root, KVER, record));
  }

  @Test
  void theArchiveItselfDoesNot() throws IOException {
    write("usr/lib/modules/" + KVER + "/initramfs.img", "another archive");
    assertEquals(before, DracutInputs.digest(root, KVER, record));
  }

  private void write(String path, String content) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private static InitramfsListing.Entry file(String content) {
    return new InitramfsListing.Entry(0100755,
        Sha256.hex(content.getBytes(StandardCharsets.UTF_8)));
  }

  private static InitramfsListing.Entry directory() {
    return new InitramfsListing.Entry(040755, "");
  }
}
