package dev.debforge.stage.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.BadInputException;
import dev.debforge.stage.hook.HookRequests.OwnerRequest;
import dev.debforge.stage.hook.HookRequests.UserRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JavaScript hooks in a real child JVM: what they may change, and every way out refused. */
class JavaScriptHookTest {

  @TempDir Path temp;

  private static HookOptions js(String script) {
    return HookChild.options("javascript", "before-commit", script, "scripts/test.js");
  }

  @Test
  void writesFilesAndRecordsRequests() throws Exception {
    HookChild child = new HookChild(temp);
    HookRequests requests =
        child.run(js(String.join("\n",
            "api.log(`building ${api.recipe.name} for ${api.arch} on ${api.suite} at ${api.at}`);",
            "api.log('packages: ' + api.recipe.packages.install.join(','));",
            "api.mkdir('/etc/demo');",
            "api.write('/etc/demo/motd', 'hello ' + api.arch + '\\n', '0640');",
            "api.append('/etc/demo/motd', 'more\\n');",
            "api.symlink('/etc/demo/motd', '/etc/motd');",
            "api.log('exists ' + api.exists('/etc/motd') + ' ' + api.exists('/nope'));",
            "api.log('list ' + api.list('/etc/demo').join(','));",
            "api.chmod('/etc/demo', 0o750);",
            "api.chown('/etc/demo/motd', 'alice:alice');",
            "api.installPackage('htop'); api.removePackage('nano');",
            "api.enableService('ssh'); api.disableService('fstrim.timer');",
            "api.addGroup('admins'); api.addUser('alice', 'admins', 'sudo');",
            "api.addKernelArg('console=ttyS0');",
            "api.log(api.read('/etc/passwd').split(':')[0]);",
            "if (api.arch === 'arm64') { api.write('/etc/arch', 'arm\\n'); }")));

    Path motd = child.root.resolve("etc/demo/motd");
    assertEquals("hello arm64\nmore\n", Files.readString(motd));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(motd)));
    assertEquals("rwxr-x---",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(motd.getParent())));
    assertEquals(Path.of("/etc/demo/motd"), Files.readSymbolicLink(child.root.resolve("etc/motd")));
    assertEquals("arm\n", Files.readString(child.root.resolve("etc/arch")));
    assertEquals(List.of("htop"), requests.install());
    assertEquals(List.of("nano"), requests.remove());
    assertEquals(List.of("ssh.service"), requests.enable());
    assertEquals(List.of("fstrim.timer"), requests.disable());
    assertEquals(List.of("admins"), requests.groups());
    assertEquals(List.of(new UserRequest("alice", List.of("admins", "sudo"))), requests.users());
    assertEquals(List.of(new OwnerRequest("/etc/demo/motd", "alice:alice")), requests.owners());
    assertEquals(List.of("console=ttyS0"), requests.kernelArgs());
    String log = child.logText();
    assertTrue(log.contains("building demo for arm64 on bookworm at before-commit"), log);
    assertTrue(log.contains("packages: vim,curl"), log);
    assertTrue(log.contains("exists true false"), log);
    assertTrue(log.contains("list motd"), log);
    assertTrue(log.contains("write /etc/demo/motd (12 bytes, mode 0640)"), log);
    assertTrue(log.contains("add user alice in admins,sudo (applied after the hook)"), log);
    System.out.println("JavaScript hook, cold child JVM: " + child.lastRun.toMillis() + " ms");
  }

  @Test
  void scriptErrorNamesFileLineAndStack() throws Exception {
    HookChild child = new HookChild(temp);
    BadInputException e =
        child.fails(js("function inner() {\n  api.write('/etc/x', 'x');\n  missing();\n}\n"
            + "function outer() { inner(); }\nouter();"));
    String message = e.getMessage();
    assertTrue(message.startsWith("scripts/test.js:3: hook test (javascript) failed:"), message);
    assertTrue(message.contains("missing is not defined"), message);
    assertTrue(message.contains("at inner (scripts/test.js:3)"), message);
    assertTrue(message.contains("at outer (scripts/test.js:5)"), message);
  }

  @Test
  void refusesRecipeChanges() throws Exception {
    HookChild child = new HookChild(temp);
    // Sloppy JavaScript ignores a refused assignment; strict mode reports it.
    child.run(js("api.recipe.name = 'other';\napi.log('name ' + api.recipe.name);"));
    assertTrue(child.logText().contains("name demo"), child.logText());
    BadInputException e = child.fails(js("'use strict';\napi.recipe.packages.install[0] = 'x';"));
    assertTrue(e.getMessage().contains("scripts/test.js:2"), e.getMessage());
  }

  @Test
  void hasNoRequireNorFileSystem() throws Exception {
    HookChild child = new HookChild(temp);
    BadInputException e =
        child.fails(js("const fs = require('fs');\napi.write('/etc/x', fs.readFileSync('/etc/passwd'));"));
    assertTrue(e.getMessage().contains("require is not defined"), e.getMessage());
    assertFalse(Files.exists(child.root.resolve("etc/x")));
  }

  @Test
  void cannotLoadHostFiles() throws Exception {
    HookChild child = new HookChild(temp);
    BadInputException e = child.fails(js("load('/etc/passwd');"));
    assertTrue(e.getMessage().contains("scripts/test.js:1"), e.getMessage());
  }

  @Test
  void cannotReachJavaClasses() throws Exception {
    HookChild child = new HookChild(temp);
    BadInputException e =
        child.fails(js("const R = Java.type('java.lang.Runtime');\nR.getRuntime().exec('touch /tmp/x');"));
    assertTrue(e.getMessage().contains("scripts/test.js:1"), e.getMessage());
    BadInputException viaApi = child.fails(js("api.getClass().forName('java.lang.Runtime');"));
    assertTrue(viaApi.getMessage().contains("scripts/test.js:1"), viaApi.getMessage());
  }

  @Test
  void refusesDotDotAndEscapingLinks() throws Exception {
    HookChild child = new HookChild(temp);
    Path outside = Files.createDirectories(temp.resolve("outside"));
    Files.createSymbolicLink(child.root.resolve("escape"), Path.of("../outside"));
    Files.createSymbolicLink(child.root.resolve("hostdir"), outside.toAbsolutePath());
    BadInputException dots = child.fails(js("api.write('/etc/../../outside/x', 'x');"));
    assertTrue(dots.getMessage().contains("contains '..'"), dots.getMessage());
    BadInputException link = child.fails(js("api.write('/escape/x', 'x');"));
    assertTrue(link.getMessage().contains("leads out of the image tree"), link.getMessage());
    // An absolute link target is the image's path, as in the booted image: it stays inside.
    BadInputException absolute = child.fails(js("api.write('/hostdir/x', 'x');"));
    assertTrue(absolute.getMessage().contains("parent directory does not exist"),
        absolute.getMessage());
    try (var entries = Files.list(outside)) {
      assertEquals(0, entries.count());
    }
  }

  @Test
  void endlessLoopIsKilledAtTheDeadline() throws Exception {
    HookChild child = new HookChild(temp);
    HookOptions loop = js("api.write('/etc/started', 'x');\nwhile (true) {}")
        .withLimits(Duration.ofSeconds(6), null, Long.MAX_VALUE);
    BadInputException e = child.fails(loop);
    assertTrue(e.getMessage().contains("did not finish within its deadline of 6 s and was killed"),
        e.getMessage());
    assertTrue(child.lastRun.compareTo(Duration.ofSeconds(12)) < 0, child.lastRun.toString());
  }

  @Test
  void statementLimitStopsALoop() throws Exception {
    HookChild child = new HookChild(temp);
    HookOptions loop = js("let i = 0;\nwhile (true) { i++; }")
        .withLimits(Duration.ofSeconds(60), null, 1_000_000L);
    BadInputException e = child.fails(loop);
    assertTrue(e.getMessage().contains("ran more than 1000000 statements and was stopped"),
        e.getMessage());
    assertTrue(e.getMessage().startsWith("scripts/test.js:2"), e.getMessage());
  }

  @Test
  void endlessAllocationIsStoppedAtTheHeapCap() throws Exception {
    HookChild child = new HookChild(temp);
    HookOptions hog = js("const all = [];\nwhile (true) { all.push('x'.repeat(1 << 20) + all.length); }")
        .withLimits(Duration.ofSeconds(60), 128, Long.MAX_VALUE);
    BadInputException e = child.fails(hog);
    assertTrue(e.getMessage().contains("ran out of memory: its JVM's heap cap of 128 MB"),
        e.getMessage());
    assertTrue(child.lastRun.compareTo(Duration.ofSeconds(30)) < 0, child.lastRun.toString());
  }

  @Test
  void refusesPackagesAndKernelArgumentsAfterDeploy() throws Exception {
    HookChild child = new HookChild(temp);
    HookOptions late = HookChild.options("javascript", "after-deploy",
        "api.write('/etc/ok', 'x');\napi.installPackage('htop');", "late.js");
    BadInputException e = child.fails(late);
    assertTrue(e.getMessage().startsWith("late.js:2"), e.getMessage());
    assertTrue(e.getMessage().contains("packages cannot change after deploy"), e.getMessage());
  }
}
