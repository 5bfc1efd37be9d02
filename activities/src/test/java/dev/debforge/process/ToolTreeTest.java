package dev.debforge.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.ToolCall;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolTreeTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  @TempDir Path root;

  /** A minimal 64-bit ELF header with one PT_INTERP program header. */
  static byte[] elf(short machine, String interpreter) {
    byte[] name = (interpreter + "\0").getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(64 + 56 + name.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, 0x464c457f).put(4, (byte) 2).put(5, (byte) 1).put(6, (byte) 1);
    b.putShort(16, (short) 3).putShort(18, machine);
    b.putLong(32, 64).putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 1);
    b.putInt(64, 3).putLong(64 + 8, 120).putLong(64 + 32, name.length);
    b.put(120, name);
    return b.array();
  }

  @Test
  void readsTheInterpreterAndMachineOfAnElfProgram() throws IOException {
    Path arm = Files.write(root.resolve("arm"), elf((short) 183, "/lib/ld-linux-aarch64.so.1"));
    assertEquals(
        new ToolTree.Elf("/lib/ld-linux-aarch64.so.1", "aarch64-linux-gnu"),
        ToolTree.Elf.read(arm));
    Path x86 = Files.write(root.resolve("x86"), elf((short) 62, "/lib64/ld-linux-x86-64.so.2"));
    assertEquals("x86_64-linux-gnu", ToolTree.Elf.read(x86).multiarch());
  }

  @Test
  void refusesFilesThatAreNotDynamicallyLinkedPrograms() throws IOException {
    Path script = Files.writeString(root.resolve("script"), "#!/bin/sh\n" + "x".repeat(80));
    assertTrue(
        assertThrows(IOException.class, () -> ToolTree.Elf.read(script))
            .getMessage()
            .contains("not a 64-bit little-endian ELF file"));
    Path riscv = Files.write(root.resolve("riscv"), elf((short) 243, "/lib/ld.so"));
    assertTrue(
        assertThrows(IOException.class, () -> ToolTree.Elf.read(riscv))
            .getMessage()
            .contains("ELF machine 243"));
  }

  @Test
  void wrapsACallSoTheProgramStartsThroughTheTreesOwnLoaderAndLibraries() throws IOException {
    Path tree = root.resolve("tree");
    Files.createDirectories(tree.resolve("usr/sbin"));
    Files.createDirectories(tree.resolve("usr/lib/x86_64-linux-gnu"));
    Files.createDirectories(tree.resolve("usr/lib64"));
    // Unpacked, not installed: no /lib64 → usr/lib64 link; the loader is an absolute link into
    // the multiarch directory.
    Files.writeString(tree.resolve("usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"), "");
    Files.createSymbolicLink(
        tree.resolve("usr/lib64/ld-linux-x86-64.so.2"),
        Path.of("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"));
    Files.write(tree.resolve("usr/sbin/mkfs.xfs"), elf((short) 62, "/lib64/ld-linux-x86-64.so.2"));

    ToolCall call =
        new ToolTree(tree)
            .wrap(ToolCall.of(List.of("mkfs.xfs", "-p", "file=/src", "/img"), MINUTE)
                .withEnvironment(Map.of("A", "b")));

    assertEquals(
        List.of(
            tree.resolve("usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2").toString(),
            "--inhibit-cache",
            "--library-path",
            tree.resolve("usr/lib/x86_64-linux-gnu") + ":" + tree.resolve("usr/lib"),
            "--argv0",
            "mkfs.xfs",
            tree.resolve("usr/sbin/mkfs.xfs").toString(),
            "-p",
            "file=/src",
            "/img"),
        call.argv());
    assertEquals("mkfs.xfs", call.tool(), "logs and errors name the program, not the loader");
    assertEquals(Map.of("A", "b"), call.environment());
  }

  @Test
  void aMissingProgramOrLoaderIsNamed() throws IOException {
    Path tree = Files.createDirectories(root.resolve("tree/usr/bin"));
    ToolTree tools = new ToolTree(root.resolve("tree"));
    assertTrue(
        assertThrows(IOException.class, () -> tools.wrap(ToolCall.of(List.of("mkfs.xfs"), MINUTE)))
            .getMessage()
            .contains("has no program mkfs.xfs"));
    Files.write(tree.resolve("tool"), elf((short) 62, "/lib64/ld-linux-x86-64.so.2"));
    assertTrue(
        assertThrows(IOException.class, () -> tools.wrap(ToolCall.of(List.of("tool"), MINUTE)))
            .getMessage()
            .contains("has no dynamic loader /lib64/ld-linux-x86-64.so.2 for tool"));
  }

  @Test
  void aProgramRunsFromATreeWithItsOwnLoaderAndLibc() throws Exception {
    // A tree with the host's echo, loader and libc copied in: nothing is read from the host's
    // library directories when it runs.
    Path echo = Path.of("/usr/bin/echo").toRealPath();
    ToolTree.Elf elf = ToolTree.Elf.read(echo);
    Path tree = root.resolve("tree");
    copy(echo, tree.resolve("usr/bin/echo"));
    copy(Path.of(elf.interpreter()).toRealPath(), tree.resolve("usr" + elf.interpreter()));
    Path libc = Path.of("/usr/lib", elf.multiarch(), "libc.so.6");
    if (!Files.exists(libc)) {
      libc = Path.of("/lib", elf.multiarch(), "libc.so.6");
    }
    copy(libc.toRealPath(), tree.resolve("usr/lib/" + elf.multiarch() + "/libc.so.6"));

    ToolCall call = new ToolTree(tree).wrap(ToolCall.of(List.of("echo", "from the tree"), MINUTE));
    assertEquals(
        "from the tree\n", ProcessRunner.logging(line -> {}).run(call).stdout());

    List<String> argv = call.argv();
    List<String> list = new ArrayList<>(argv.subList(0, argv.indexOf("--argv0")));
    list.add("--list");
    list.add(tree.resolve("usr/bin/echo").toString());
    String libraries = ProcessRunner.logging(line -> {}).run(ToolCall.of(list, MINUTE)).stdout();
    assertTrue(
        libraries.contains("libc.so.6 => " + tree.resolve("usr/lib/" + elf.multiarch())),
        libraries);
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    Files.copy(from, to);
  }
}
