package dev.debforge.stage.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.BadInputException;
import dev.debforge.stage.hook.HookRequests.UserRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python hooks in a real child JVM. GraalPy's first context takes 5 to 9 s, so each test
 * combines its checks in one script.
 */
class PythonHookTest {

  @TempDir Path temp;

  private static HookOptions py(String... lines) {
    return HookChild.options("python", "after-packages", String.join("\n", lines) + "\n",
        "hooks/test.py");
  }

  @Test
  void changesTheTreeAndRefusesEveryWayOut() throws Exception {
    HookChild child = new HookChild(temp);
    Path outside = Files.writeString(temp.resolve("host-file"), "host secret\n");
    HookRequests requests =
        child.run(py(
            "api.log('building %s for %s on %s' % (api.recipe['name'], api.arch, api.suite))",
            "api.log('packages: ' + ','.join(api.recipe['packages']['install']))",
            "api.write('/etc/motd', 'hello from python\\n', 0o600)",
            "api.addUser('bob')",
            "api.installPackage('htop')",
            "api.enableService('systemd-networkd')",
            "api.addKernelArg('quiet')",
            "def refused(what, action):",
            "    try:",
            "        action()",
            "        api.log(what + ': allowed')",
            "    except BaseException as e:",
            "        api.log(what + ': refused')",
            "refused('open', lambda: open('" + outside + "').read())",
            "refused('open-write', lambda: open('/tmp/debforge-hook-escape', 'w').write('x'))",
            "refused('java', lambda: __import__('java').type('java.lang.Runtime'))",
            "refused('recipe', lambda: api.recipe.__setitem__('name', 'x'))",
            "refused('dotdot', lambda: api.write('/etc/../../host-file', 'x'))",
            "api.log('done')"));

    Path motd = child.root.resolve("etc/motd");
    assertEquals("hello from python\n", Files.readString(motd));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(motd)));
    assertEquals(List.of(new UserRequest("bob", List.of())), requests.users());
    assertEquals(List.of("htop"), requests.install());
    assertEquals(List.of("systemd-networkd.service"), requests.enable());
    assertEquals(List.of("quiet"), requests.kernelArgs());
    String log = child.logText();
    assertTrue(log.contains("building demo for arm64 on bookworm"), log);
    assertTrue(log.contains("packages: vim,curl"), log);
    for (String what : List.of("open", "open-write", "java", "recipe",
        "dotdot")) {
      assertTrue(log.contains(what + ": refused"), what + " was not refused:\n" + log);
    }
    assertTrue(log.contains("done"), log);
    assertEquals("host secret\n", Files.readString(outside));
    assertFalse(Files.exists(Path.of("/tmp/debforge-hook-escape")));
    System.out.println("Python hook, cold child JVM: " + child.lastRun.toMillis() + " ms");
  }

  @Test
  void osSystemIsRefusedWithTheScriptsLine() throws Exception {
    HookChild child = new HookChild(temp);
    BadInputException e = child.fails(py("import os", "api.log('before')", "os.system('id')"));
    assertTrue(e.getMessage().startsWith("hooks/test.py:3: hook test (python) failed:"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Process creation is not allowed"), e.getMessage());
  }

  @Test
  void subprocessIsRefused() throws Exception {
    HookChild child = new HookChild(temp);
    BadInputException e =
        child.fails(py("import subprocess", "subprocess.run(['touch', '/tmp/debforge-hook-x'])"));
    assertTrue(e.getMessage().contains("hooks/test.py:"), e.getMessage());
    assertFalse(Files.exists(Path.of("/tmp/debforge-hook-x")));
  }

  @Test
  void threadForkBombIsStoppedAtTheFirstThread() throws Exception {
    HookChild child = new HookChild(temp);
    BadInputException e =
        child.fails(py("import threading", "def bomb():", "    while True:",
            "        threading.Thread(target=bomb).start()", "bomb()"));
    assertTrue(e.getMessage().startsWith("hooks/test.py:4:"), e.getMessage());
    assertTrue(e.getMessage().contains("Creating threads is not allowed"), e.getMessage());
  }
}
