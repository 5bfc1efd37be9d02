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
            + "install() { inst_multiple -o /usr/bin/bash /usr/lib/sysctl.d/*.conf\n"
            + "  inst_libdir_file 'libnss_*.so*'\n"
            + "  for f in /usr/lib/modules-load.d/*.conf; do inst_simple \"$f\"; done; }\n");
    Files.createDirectories(root.resolve("usr/lib/modules-load.d"));
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
    record = DracutInputs.record(root, archive, List.of());
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
    write("usr/lib/x86_64-linux-gnu/libnl-3.so.200", "a library no module names");
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
  void aLibraryMatchingAModulesPatternChangesIt() throws IOException {
    write("usr/lib/x86_64-linux-gnu/libnss_systemd.so.2", "an NSS module");
    assertNotEquals(before, DracutInputs.digest(root, KVER, record));
  }

  @Test
  void aFileInAnEmptyDirectoryAModuleNamesChangesIt() throws IOException {
    write("usr/lib/modules-load.d/zfs.conf", "zfs\n");
    assertNotEquals(before, DracutInputs.digest(root, KVER, record));
  }

  @Test
  void aPreloadedLibraryChangesIt() throws IOException {
    write("etc/ld.so.preload", "/usr/lib/libfoo.so\n");
    assertNotEquals(before, DracutInputs.digest(root, KVER, record));
  }

  @Test
  void aModuleOutsideTheArchiveCountsByItsCheckOnly() throws IOException {
    write("usr/lib/dracut/modules.d/95nfs/module-setup.sh",
        "check() {\n  require_binaries rpc.statd mount.nfs || return 1\n}\n\n"
            + "install() {\n  inst_multiple -o nfsdcld /usr/lib/dracut/nfs-lib.sh\n}\n");
    write("usr/lib/dracut/modules.d/95nfs/nfs-lib.sh", "nfsroot_to_var() { nfsidmap; }\n");
    Map<String, InitramfsListing.Entry> archive = Map.of("usr/bin/bash", file("bash binary"));
    DracutInputs.Record withModules =
        DracutInputs.record(root, archive, List.of("lvm", "systemd"));
    String digest = DracutInputs.digest(root, KVER, withModules);
    write("usr/sbin/nfsdcld", "what nfs's install takes, once nfs is in");
    write("usr/sbin/nfsidmap", "named by a script of nfs's only");
    assertEquals(digest, DracutInputs.digest(root, KVER, withModules));
    write("usr/sbin/mount.nfs", "what nfs's check looks for");
    assertNotEquals(digest, DracutInputs.digest(root, KVER, withModules));
  }

  @Test
  void aDirectoryPatternIsNotAFilePatternButAPathsLastPartIs() throws IOException {
    write("usr/lib/dracut/modules.d/99base/dracut-lib.sh",
        "for i in \"$1\"/usr/lib*/ld-*.so; do :; done\n");
    write("usr/lib/dracut/modules.d/99fs-lib/module-setup.sh",
        "install() {\n  inst_multiple -o /sbin/fsck* /usr/sbin/fsck*\n}\n");
    DracutInputs.Record base = DracutInputs.record(
        root, Map.of("usr/bin/bash", file("bash binary")), List.of("base", "fs-lib"));
    String digest = DracutInputs.digest(root, KVER, base);
    write("usr/lib/x86_64-linux-gnu/libnl-3.so.200", "no module takes lib*");
    assertEquals(digest, DracutInputs.digest(root, KVER, base));
    write("usr/sbin/fsck.exfat", "fs-lib takes every fsck helper");
    assertNotEquals(digest, DracutInputs.digest(root, KVER, base));
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
