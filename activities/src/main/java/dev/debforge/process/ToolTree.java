package dev.debforge.process;

import dev.debforge.plugin.ToolCall;
import dev.debforge.stage.configure.RootPath;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs programs from a tree of unpacked Debian packages (the {@code tools} stage's output)
 * instead of the host's, for tools newer than the host has, without chroot or mounts.
 *
 * <p>A program is started through the tree's own dynamic loader (the interpreter its ELF header
 * names, looked up inside the tree) with the tree's library directories and the host's
 * {@code ld.so.cache} ignored, so it never mixes its libraries with the host's. File arguments
 * stay host paths, since the program runs in the host's file system.
 */
public final class ToolTree {

  private static final int PT_INTERP = 3;
  private static final short EM_X86_64 = 62;
  private static final short EM_AARCH64 = 183;
  private static final List<String> PROGRAM_DIRS = List.of("usr/sbin", "usr/bin", "sbin", "bin");

  private final Path root;

  public ToolTree(Path root) {
    this.root = root.toAbsolutePath();
  }

  public Path root() {
    return root;
  }

  /** A file of the tree, by its absolute path in the tree (symbolic links followed inside it). */
  public Path file(String treePath) throws IOException {
    return RootPath.follow(root, treePath);
  }

  /**
   * The same call, with its program taken from the tree.
   *
   * @throws IOException if the tree has no such program, or it is not a 64-bit ELF program
   *     with an interpreter in the tree
   */
  public ToolCall wrap(ToolCall call) throws IOException {
    String name = call.argv().get(0);
    Path program = program(name);
    Elf elf = Elf.read(program);
    Path loader = loader(elf.interpreter());
    if (loader == null) {
      throw new IOException(
          "the tree " + root + " has no dynamic loader " + elf.interpreter() + " for " + name);
    }
    List<String> libraries = new ArrayList<>();
    for (String dir : List.of("usr/lib/" + elf.multiarch(), "lib/" + elf.multiarch(), "usr/lib")) {
      Path path = root.resolve(dir);
      if (Files.isDirectory(path) && !Files.isSymbolicLink(path)) {
        libraries.add(path.toString());
      }
    }
    List<String> argv = new ArrayList<>();
    argv.add(loader.toString());
    argv.add("--inhibit-cache");
    argv.add("--library-path");
    argv.add(String.join(":", libraries));
    argv.add("--argv0");
    argv.add(name);
    argv.add(program.toString());
    argv.addAll(call.argv().subList(1, call.argv().size()));
    return new ToolCall(
        argv, call.environment(), call.directory(), call.timeout(), call.stdout(), call.stdin());
  }

  /**
   * The loader's file in the tree. Unpacked packages lack the links of a merged /usr that an
   * installed system has ({@code /lib64 → usr/lib64}), so {@code /usr} + the path is tried too.
   */
  private Path loader(String interpreter) throws IOException {
    for (String candidate : List.of(interpreter, "/usr" + interpreter)) {
      Path path = file(candidate);
      if (Files.isRegularFile(path)) {
        return path;
      }
    }
    return null;
  }

  /** The program's file in the tree: the first of usr/sbin, usr/bin, sbin, bin that has it. */
  Path program(String name) throws IOException {
    if (name.contains("/")) {
      throw new IllegalArgumentException("a program name, not a path: " + name);
    }
    for (String dir : PROGRAM_DIRS) {
      Path candidate = file("/" + dir + "/" + name);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IOException("the tree " + root + " has no program " + name);
  }

  /** What a dynamically linked program's ELF header says about how to start it. */
  record Elf(String interpreter, String multiarch) {

    /** Reads a 64-bit little-endian ELF file's machine and PT_INTERP segment. */
    static Elf read(Path file) throws IOException {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, header, 0);
        if (header.getInt(0) != 0x464c457f || header.get(4) != 2 || header.get(5) != 1) {
          throw new IOException(file + " is not a 64-bit little-endian ELF file");
        }
        String multiarch =
            switch (header.getShort(18)) {
              case EM_X86_64 -> "x86_64-linux-gnu";
              case EM_AARCH64 -> "aarch64-linux-gnu";
              default ->
                  throw new IOException(
                      file + " is for ELF machine " + header.getShort(18)
                          + ", not x86-64 or AArch64");
            };
        long phoff = header.getLong(32);
        int phentsize = Short.toUnsignedInt(header.getShort(54));
        int phnum = Short.toUnsignedInt(header.getShort(56));
        ByteBuffer entry = ByteBuffer.allocate(phentsize).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < phnum; i++) {
          readFully(channel, entry.clear(), phoff + (long) i * phentsize);
          if (entry.getInt(0) == PT_INTERP) {
            long offset = entry.getLong(8);
            int size = (int) Math.min(entry.getLong(32), 4096);
            ByteBuffer name = ByteBuffer.allocate(size);
            readFully(channel, name, offset);
            String text = new String(name.array(), StandardCharsets.US_ASCII);
            int end = text.indexOf('\0');
            return new Elf(end < 0 ? text : text.substring(0, end), multiarch);
          }
        }
        throw new IOException(file + " has no interpreter: it is not a dynamically linked program");
      }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
        throws IOException {
      long at = position;
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, at);
        if (n < 0) {
          throw new IOException("ELF file ends early");
        }
        at += n;
      }
    }
  }
}
