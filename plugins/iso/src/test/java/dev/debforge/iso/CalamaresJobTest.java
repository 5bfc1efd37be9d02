package dev.debforge.iso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * debforge's Calamares job module ({@code main.py}) run by the host's Python 3 against a stand-in
 * for Calamares' {@code libcalamares}: what the pages leave in global storage becomes the install
 * script's options, the script's progress lines become the job's, and a failing script fails the
 * job with its last lines.
 */
class CalamaresJobTest {

  @TempDir Path dir;

  /** Runs the job with this global storage and an install script that prints and exits so. */
  private String job(String globalStorage, int exit) throws Exception {
    Path job = dir.resolve("main.py");
    Files.write(job, LiveFiles.bytes("usr/lib/debforge/calamares/debforgeinstall/main.py"));
    Path install = dir.resolve("install");
    Files.writeString(install, "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + dir.resolve("args")
        + "\necho 'debforge-install: partitioning /dev/vda'\necho 'mkfs: trouble'\nexit "
        + exit + "\n");
    install.toFile().setExecutable(true);
    Path driver = dir.resolve("driver.py");
    Files.writeString(driver, String.join("\n",
        "import sys, types",
        "lib = types.ModuleType('libcalamares')",
        "gs = " + globalStorage,
        "class GS:",
        "    def value(self, key): return gs.get(key)",
        "lib.globalstorage = GS()",
        "progress = []",
        "lib.job = types.SimpleNamespace(setprogress=progress.append)",
        // Calamares' obscure() is its own inverse: each character c above '!' becomes 0x1001F-c.
        "def obscure(s): return ''.join(chr(0x1001F - ord(c)) if ord(c) > 0x21 else c for c in s)",
        "lib.utils = types.SimpleNamespace(debug=lambda m: None, obscure=obscure)",
        "sys.modules['libcalamares'] = lib",
        "import importlib.util",
        "spec = importlib.util.spec_from_file_location('job', '" + job + "')",
        "job = importlib.util.module_from_spec(spec)",
        "spec.loader.exec_module(job)",
        "job.INSTALL = '" + install + "'",
        "gs['password'] = obscure(gs['password']) if 'password' in gs else None",
        "print(repr(job.run()))",
        "print(progress)",
        ""));
    Process python = new ProcessBuilder("python3", "-W", "ignore", driver.toString())
        .redirectErrorStream(true).start();
    String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(python.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, python.exitValue(), out);
    return out;
  }

  @Test
  void thePagesChoicesBecomeTheInstallScriptsOptions() throws Exception {
    String out = job("{'packagechooser_disk': '/dev/vda', 'locationRegion': 'Europe',"
        + " 'locationZone': 'Berlin', 'localeConf': {'LANG': 'de_DE.UTF-8'},"
        + " 'keyboardLayout': 'de', 'keyboardVariant': 'nodeadkeys', 'hostname': 'lab-1',"
        + " 'username': 'ann', 'fullname': 'Ann Example', 'password': 'secret'}", 0);
    assertTrue(out.startsWith("None\n"), "the job succeeds: " + out);
    assertTrue(out.contains("[0.05]"), "the script's partitioning line is the job's progress: "
        + out);
    List<String> args = Files.readAllLines(dir.resolve("args"));
    assertEquals(List.of("--timezone", "Europe/Berlin", "--locale", "de_DE.UTF-8",
        "--keyboard", "de:nodeadkeys", "--hostname", "lab-1", "--user", "ann", "--groups", "sudo",
        "--fullname", "Ann Example", "--password-hash"), args.subList(0, 15));
    String hash = args.get(15);
    assertTrue(hash.startsWith("$6$"), "a SHA-512 crypt hash, never the password: " + hash);
    Process check = new ProcessBuilder("python3", "-W", "ignore", "-c",
        "import crypt, sys; print(crypt.crypt('secret', sys.argv[1]) == sys.argv[1])", hash)
        .start();
    assertEquals("True", new String(check.getInputStream().readAllBytes(),
        StandardCharsets.UTF_8).strip(), "the hash is of the password entered");
    assertEquals("/dev/vda", args.get(16), "the disk comes last");
  }

  @Test
  void aFailingInstallFailsTheJobWithTheScriptsLastLines() throws Exception {
    String out = job("{'packagechooser_disk': '/dev/vda'}", 1);
    assertTrue(out.startsWith("('The install onto /dev/vda failed', "), out);
    assertTrue(out.contains("mkfs: trouble"), out);
    assertEquals(List.of("/dev/vda"), Files.readAllLines(dir.resolve("args")),
        "without settings the script gets the disk alone");
  }

  @Test
  void noDiskChosenIsAnErrorThatSaysWhereToChooseIt() throws Exception {
    String out = job("{}", 0);
    assertTrue(out.startsWith("('No disk was chosen', 'Go back to the disk page"), out);
  }
}
