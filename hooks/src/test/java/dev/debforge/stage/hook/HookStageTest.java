package dev.debforge.stage.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolResult;
import dev.debforge.plugin.ToolRunner;
import dev.debforge.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage as a plan runs it: the input copied, the script run in its child JVM, the requests
 * applied, the input's facts passed on. The copy is done in Java and the privileged tools are
 * only recorded, so the test needs no root; the child JVM is real.
 */
class HookStageTest {

  @TempDir Path temp;

  private final List<List<String>> tools = new ArrayList<>();
  private final List<String> progress = new ArrayList<>();

  @Test
  void runsABeforeCommitHookOnACopyOfTheTree() throws Exception {
    Path input = Files.createDirectories(temp.resolve("input/etc"));
    Files.writeString(input.resolve("hostname"), "box\n");
    HookOptions options = HookChild.options("javascript", "before-commit",
        "api.write('/etc/motd', api.read('/etc/hostname'));\napi.enableService('ssh');\n"
            + "api.addKernelArg('quiet');", "motd.js");

    StageOutput output = new HookStage().run(context("tree", temp.resolve("input"),
        Map.of("kernel", "6.1.0-test")), options);

    Path root = temp.resolve("output");
    assertEquals("box\n", Files.readString(root.resolve("etc/motd")));
    assertFalse(Files.exists(temp.resolve("input/etc/motd")), "the input is never changed");
    assertEquals(List.of(List.of("systemctl", "--root=" + root, "enable", "ssh.service")), tools);
    assertTrue(Files.readString(root.resolve("usr/lib/bootc/kargs.d/50-hook-test.toml"))
        .contains("kargs = [\"quiet\"]"));
    assertEquals(Map.of("kernel", "6.1.0-test", "hook", "test"), output.facts());
    assertTrue(progress.stream().anyMatch(line -> line.startsWith("hook test finished in ")),
        progress.toString());
  }

  @Test
  void runsAnAfterDeployHookInTheDeployment() throws Exception {
    String deployment = "ostree/deploy/debian/deploy/abc.0";
    Path input = Files.createDirectories(temp.resolve("input/sysroot").resolve(deployment)
        .resolve("etc"));
    HookOptions options = HookChild.options("javascript", "after-deploy",
        "api.write('/etc/disk-id', 'disk 1\\n');", "disk.js");

    StageOutput output = new HookStage().run(context("sysroot", temp.resolve("input"),
        Map.of("deployment", deployment, "commit", "c0ffee")), options);

    Path root = temp.resolve("output/sysroot").resolve(deployment);
    assertEquals("disk 1\n", Files.readString(root.resolve("etc/disk-id")));
    assertFalse(Files.exists(input.resolve("disk-id")));
    assertEquals(List.of(List.of("chattr", "+i", root.toString())), tools);
    assertEquals("c0ffee", output.facts().get("commit"));
  }

  private StageContext context(String role, Path input, Map<String, String> facts)
      throws IOException {
    Path output = temp.resolve("output");
    Path scratch = Files.createDirectories(temp.resolve("scratch"));
    ProcessRunner real = ProcessRunner.logging(line -> {});
    ToolRunner runner = (ToolCall call) -> {
      if (call.argv().get(0).equals("cp")) {
        copy(input, output);
        return new ToolResult(0, "", Duration.ZERO);
      }
      if (call.tool().equals("java")) {
        return real.run(call);
      }
      tools.add(call.argv());
      return new ToolResult(0, "", Duration.ZERO);
    };
    return new StageContext() {
      @Override
      public Path input(String name) {
        assertEquals(role, name);
        return input;
      }

      @Override
      public Map<String, String> facts(String name) {
        assertEquals(role, name);
        return facts;
      }

      @Override
      public Path output() {
        return output;
      }

      @Override
      public Path copyOfInput(String name) {
        copy(input(name), output);
        return output;
      }

      @Override
      public Path scratch() {
        return scratch;
      }

      @Override
      public Path sharedCache(String name) {
        return HookChild.CACHE;
      }

      @Override
      public ToolRunner tools() {
        return runner;
      }

      @Override
      public void progress(String message) {
        progress.add(message);
      }

      @Override
      public String architecture() {
        return "amd64";
      }
    };
  }

  private static void copy(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
