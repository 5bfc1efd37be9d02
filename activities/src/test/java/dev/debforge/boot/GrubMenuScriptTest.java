package dev.debforge.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.BootMenu;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The menu generator shipped on the disk ({@link BootMenu#script}, run by ostree on the booted
 * system) against the menu debforge writes when it builds the disk ({@link GrubConfig#menu}):
 * byte for byte the same, for one, two and three deployments, quoted kernel arguments, several
 * initrds and untitled entries. It runs under dash and mawk, Debian's /bin/sh and awk.
 */
class GrubMenuScriptTest {

  private static final String UUID = "2f1c0a7e-1234-8abc-9def-0123456789ab";

  @TempDir Path dir;

  private static String entry(int version, int serial, String options) {
    return "title Debian GNU/Linux 12 (bookworm) (ostree:" + serial + ")\n"
        + "version " + version + "\n"
        + "options " + options + "\n"
        + "linux /ostree/debian-0a1b/vmlinuz-6.1.0-28-amd64\n"
        + "initrd /ostree/debian-0a1b/initramfs-6.1.0-28-amd64.img\n";
  }

  private static String karg(int deployment) {
    return "rw console=ttyS0,115200 root=UUID=" + UUID + " ostree=/ostree/boot.1/debian/0a1b/"
        + deployment;
  }

  @Test
  void oneDeployment() throws Exception {
    assertSameMenu(Map.of("ostree-1-debian.conf", entry(1, 0, karg(0))), GrubConfig.defaults(UUID));
  }

  @Test
  void twoDeploymentsNewestFirst() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("ostree-1-debian.conf", entry(1, 1, karg(1)));
    files.put("ostree-2-debian.conf", entry(2, 0, karg(0)));
    String menu = assertSameMenu(files, GrubConfig.defaults(UUID));
    assertTrue(menu.indexOf("(ostree:0)") < menu.indexOf("(ostree:1)"), menu);
  }

  @Test
  void threeDeploymentsWithVersionsComparedAsNumbers() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("ostree-9-debian.conf", entry(9, 1, karg(1)));
    files.put("ostree-10-debian.conf", entry(10, 0, karg(0)));
    files.put("ostree-8-debian.conf", entry(8, 2, karg(2)));
    String menu = assertSameMenu(files, new GrubConfig(UUID, true, 7, false));
    assertTrue(menu.indexOf("(ostree:0)") < menu.indexOf("(ostree:1)")
        && menu.indexOf("(ostree:1)") < menu.indexOf("(ostree:2)"), menu);
    assertFalse(menu.contains("serial"), menu);
  }

  @Test
  void kernelArgumentsWithQuotesAndCharactersGrubWouldInterpret() throws Exception {
    String options = "rw  dyndbg=\"file drivers/usb/* +p\" systemd.setenv=A=$x it's;x\tquiet";
    String menu = assertSameMenu(
        Map.of("ostree-1-debian.conf", entry(1, 0, options)), GrubConfig.defaults(UUID));
    assertTrue(menu.contains(" rw 'dyndbg=\"file drivers/usb/* +p\"' 'systemd.setenv=A=$x'"
        + " 'it'\\''s;x' quiet\n"), menu);
  }

  @Test
  void titlesWithQuotesOptionsOverSeveralLinesSeveralInitrdsAndNoTitle() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("ostree-2-debian.conf",
        "# a comment\n  title   Debian's  \"new\" image  \r\nversion 2\noptions rw\n"
            + "options ostree=/ostree/boot.0/debian/0a1b/0\nlinux\tostree/v/vmlinuz\n"
            + "initrd /ostree/v/microcode.img   /ostree/v/initramfs.img\n"
            + "machine-id 0123456789abcdef0123456789abcdef\n");
    files.put("ostree-1-debian.conf",
        "version 1\noptions rw ostree=/ostree/boot.0/debian/0a1b/1\nlinux /ostree/v/vmlinuz\n");
    String menu = assertSameMenu(files, GrubConfig.defaults(UUID));
    assertTrue(menu.contains("menuentry 'Debian'\\''s  \"new\" image' {"), menu);
    assertTrue(menu.contains("\tinitrd /ostree/v/microcode.img /ostree/v/initramfs.img\n"), menu);
    assertTrue(menu.contains("menuentry /ostree/v/vmlinuz {") || menu.contains(
        "menuentry '/ostree/v/vmlinuz' {"), menu);
  }

  @Test
  void bareKeysAreEmptyValues() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("ostree-1-debian.conf", "version\ninitrd\noptions\nlinux /ostree/v/vmlinuz\n");
    files.put("ostree-2-debian.conf", entry(2, 0, karg(0)));
    String menu = assertSameMenu(files, GrubConfig.defaults(UUID));
    assertFalse(menu.contains("initrd /\n"), menu);
  }

  @Test
  void anEmptyEntryIsAnErrorThatKeepsTheOldMenu() throws Exception {
    Path entries = Files.createDirectories(dir.resolve("boot/loader.1/entries"));
    Files.writeString(entries.resolve("ostree-2-debian.conf"), entry(2, 0, karg(0)));
    Files.writeString(entries.resolve("ostree-1-debian.conf"), "");
    Path out = entries.resolveSibling("grub.cfg");
    Files.writeString(out, "the old menu\n");
    Result result = run(GrubConfig.defaults(UUID), out);
    assertEquals(1, result.exit(), result.err());
    assertTrue(result.err().contains("1 of the 2 boot loader entries are empty"), result.err());
    assertEquals("the old menu\n", Files.readString(out));
    assertFalse(Files.exists(entries.resolveSibling("grub.cfg.tmp")));
  }

  @Test
  void anUnreadableEntryIsAnError() throws Exception {
    Path entries = Files.createDirectories(dir.resolve("boot/loader.1/entries"));
    Files.writeString(entries.resolve("ostree-2-debian.conf"), entry(2, 0, karg(0)));
    // A directory where an entry should be: awk cannot read it, as it could not read a file
    // on a failing disk (a mode-000 file would not do: these tests may run as root).
    Files.createDirectories(entries.resolve("ostree-1-debian.conf"));
    Result result = run(GrubConfig.defaults(UUID), entries.resolveSibling("grub.cfg"));
    assertEquals(1, result.exit(), result.err());
    assertTrue(result.err().contains("cannot read the boot loader entry"), result.err());
    assertFalse(Files.exists(entries.resolveSibling("grub.cfg")));
  }

  @Test
  void noEntriesIsAnErrorThatLeavesNoFile() throws Exception {
    Path loader = Files.createDirectories(dir.resolve("boot/loader.1/entries")).getParent();
    Result result = run(GrubConfig.defaults(UUID), loader.resolve("grub.cfg"));
    assertEquals(1, result.exit(), result.err());
    assertTrue(result.err().contains("there are no boot loader entries in"), result.err());
    assertFalse(Files.exists(loader.resolve("grub.cfg")));
    assertFalse(Files.exists(loader.resolve("grub.cfg.tmp")));
  }

  @Test
  void anEntryWithoutLinuxIsAnError() throws Exception {
    Path entries = Files.createDirectories(dir.resolve("boot/loader.0/entries"));
    Files.writeString(entries.resolve("ostree-1-debian.conf"), "title x\nversion 1\n");
    Result result = run(GrubConfig.defaults(UUID), entries.resolveSibling("grub.cfg"));
    assertEquals(1, result.exit(), result.err());
    assertTrue(result.err().contains("ostree-1-debian.conf has no linux line"), result.err());
    assertFalse(Files.exists(entries.resolveSibling("grub.cfg")));
  }

  /** Writes the entries as ostree would, runs both generators and compares their menus. */
  private String assertSameMenu(Map<String, String> files, GrubConfig config) throws Exception {
    Path entries = Files.createDirectories(dir.resolve("boot/loader.1/entries"));
    List<BlsEntry> parsed = new ArrayList<>();
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.writeString(entries.resolve(file.getKey()), file.getValue());
      parsed.add(BlsEntry.parse(file.getValue(), file.getKey()));
    }
    Path out = entries.resolveSibling("grub.cfg");
    Result result = run(config, out);
    assertEquals(0, result.exit(), result.err());
    String menu = Files.readString(out);
    assertEquals(config.menu(parsed), menu);
    return menu;
  }

  private record Result(int exit, String err) {}

  private Result run(GrubConfig config, Path out) throws IOException, InterruptedException {
    Path grub = Files.createDirectories(dir.resolve("boot/grub"));
    Path script = grub.resolve(BootMenu.SCRIPT);
    Files.writeString(script, BootMenu.script());
    Files.writeString(dir.resolve(BootMenu.SETTINGS_PATH.substring(1)), BootMenu.settings(
        config.bootFsUuid(), config.timeoutSeconds(), config.serialConsole()));
    // Debian's own awk, whatever else the machine has first on its PATH.
    Path bin = Files.createDirectories(dir.resolve("bin"));
    if (!Files.exists(bin.resolve("awk"))) {
      Files.createSymbolicLink(bin.resolve("awk"), Path.of("/usr/bin/mawk"));
    }
    ProcessBuilder builder =
        new ProcessBuilder("dash", script.toString(), "-o", out.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process process = builder.start();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    return new Result(process.exitValue(), err);
  }
}
