package dev.debforge.stage.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OstreeAdminTest {

  private static final Path SYSROOT = Path.of("/out/sysroot");
  private static final String COMMIT =
      "f34d86ecb950c9444981bd4b6b087f1c24160fa33593502123612e611427c1fa";

  @Test
  void initFsMakesOnlyBootAndOstree() {
    assertEquals(
        List.of("ostree", "admin", "init-fs", "--modern", "/out/sysroot"),
        OstreeAdmin.initFs(SYSROOT).argv());
  }

  @Test
  void turnsOffBootloaderUpdatesInTheSysrootRepo() {
    assertEquals(
        List.of(
            "ostree", "--repo=/out/sysroot/ostree/repo", "config", "set", "sysroot.bootloader",
            "none"),
        OstreeAdmin.noBootloader(SYSROOT).argv());
  }

  @Test
  void pullsTheCommitFromTheCommitStepsRepo() {
    assertEquals(
        List.of("ostree", "--repo=/out/sysroot/ostree/repo", "pull-local", "/in/repo", COMMIT),
        OstreeAdmin.pullLocal(SYSROOT, Path.of("/in/repo"), COMMIT).argv());
  }

  @Test
  void initialisesTheStateroot() {
    assertEquals(
        List.of("ostree", "admin", "os-init", "--sysroot=/out/sysroot", "debian"),
        OstreeAdmin.osInit(SYSROOT, "debian").argv());
  }

  @Test
  void deploysWithoutSysAdminAndAppendsEveryArgumentInOrder() {
    assertEquals(
        List.of(
            "setpriv", "--bounding-set=-sys_admin", "--inh-caps=-sys_admin",
            "ostree", "admin", "deploy", "--sysroot=/out/sysroot", "--os=debian",
            "--karg-append=root=UUID=abc", "--karg-append=rw",
            "--karg-append=console=tty0", "--karg-append=console=ttyS0,115200",
            COMMIT),
        OstreeAdmin.deploy(
                SYSROOT,
                "debian",
                List.of("root=UUID=abc", "rw", "console=tty0", "console=ttyS0,115200"),
                COMMIT)
            .argv());
  }

  @Test
  void addsTheRemoteDebforgeWithoutGpgVerification() {
    assertEquals(
        List.of(
            "ostree", "--repo=/out/sysroot/ostree/repo", "remote", "add", "--no-gpg-verify",
            "debforge", "https://updates.example.org/repo", "debian/trixie/x86_64"),
        OstreeAdmin.remoteAdd(SYSROOT, "https://updates.example.org/repo", "debian/trixie/x86_64")
            .argv());
  }

  @Test
  void aRemoteWithAKeyImportsItAndVerifiesCommitsAndSummary() {
    assertEquals(
        List.of(
            "ostree", "--repo=/out/sysroot/ostree/repo", "remote", "add",
            "--gpg-import=/scratch/origin-key.gpg", "--set=gpg-verify=true",
            "--set=gpg-verify-summary=true", "debforge", "https://updates.example.org/repo",
            "debian/trixie/x86_64"),
        OstreeAdmin.remoteAdd(SYSROOT, "https://updates.example.org/repo",
                "debian/trixie/x86_64", Path.of("/scratch/origin-key.gpg"))
            .argv());
  }

  @Test
  void pointsTheRemotesRefAtTheDeployedCommit() {
    assertEquals(
        List.of(
            "ostree", "--repo=/out/sysroot/ostree/repo", "refs",
            "--create=debforge:debian/trixie/x86_64", COMMIT),
        OstreeAdmin.createRef(SYSROOT, "debforge:debian/trixie/x86_64", COMMIT).argv());
  }

  @Test
  void deploysTheCommitWithAnOriginFile() {
    assertEquals(
        List.of(
            "setpriv", "--bounding-set=-sys_admin", "--inh-caps=-sys_admin",
            "ostree", "admin", "deploy", "--sysroot=/out/sysroot", "--os=debian",
            "--origin-file=/scratch/deployment.origin", "--karg-append=rw", COMMIT),
        OstreeAdmin.deploy(
                SYSROOT, "debian", List.of("rw"), COMMIT, Path.of("/scratch/deployment.origin"))
            .argv());
  }

  @Test
  void seedsVarMergingIntoWhatOstreeMade() {
    assertEquals(
        List.of(
            "cp", "-a", "--remove-destination", "--no-target-directory", "/d/var", "/s/var"),
        OstreeAdmin.seedVar(Path.of("/d/var"), Path.of("/s/var")).argv());
  }
}
