package dev.debforge.cli;

import dev.debforge.plan.MultiArch;
import dev.debforge.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code debforge logs ID}: what a build's tools printed, step by step. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
      "Print a build's step logs.",
      "They are in the store of the worker that ran the build: run this on that worker's",
      "machine, or give that store with --store. With --follow, keep printing until the build",
      "ends."
    })
final class LogsCommand implements Callable<Integer> {

  @Parameters(paramLabel = "ID", description = "The build id.")
  String buildId;

  @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the build ends.")
  boolean follow;

  @Mixin GlobalOptions global = new GlobalOptions();
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Store store = global.openStore();
    Path dir = store.logDir(Builds.checkedId(buildId));
    // A multi-architecture build's steps are its children's, BUILD-ARCH, in the same store.
    Map<String, Path> dirs = new LinkedHashMap<>();
    dirs.put("", dir);
    for (String arch : Requests.ARCHITECTURES) {
      dirs.put(arch + "/", store.logDir(MultiArch.childId(buildId, arch)));
    }
    PrintWriter out = spec.commandLine().getOut();
    Map<Path, Long> printed = new HashMap<>();
    if (!follow) {
      if (dirs.values().stream().noneMatch(Files::isDirectory)) {
        throw new UserError("no logs of build " + buildId + " in the store " + store.root()
            + "\nHint: the logs are in the store of the worker that ran the build ('debforge"
            + " status " + buildId + "' names it); pass that store with --store");
      }
      printAll(dirs, printed, out);
      return ExitCodes.DONE;
    }
    try (Builds.Connection connection = Builds.connect(global)) {
      StatusCommand.requireKnown(connection, buildId);
      while (true) {
        boolean running =
            Builds.find(connection, buildId).map(e -> e.state().equals("running")).orElse(false);
        printAll(dirs, printed, out);
        if (!running) {
          return ExitCodes.DONE;
        }
        Thread.sleep(1000);
      }
    }
  }

  private static void printAll(Map<String, Path> dirs, Map<Path, Long> printed, PrintWriter out)
      throws IOException {
    for (Map.Entry<String, Path> dir : dirs.entrySet()) {
      printNew(dir.getKey(), dir.getValue(), printed, out);
    }
  }

  /**
   * Prints what each step log gained since the last call, each line with its step's name after
   * the prefix (a multi-architecture build's child's architecture).
   */
  private static void printNew(String prefix, Path dir, Map<Path, Long> printed, PrintWriter out)
      throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> logs;
    try (Stream<Path> files = Files.list(dir)) {
      logs =
          files
              .filter(p -> p.getFileName().toString().endsWith(".log"))
              .sorted((a, b) -> Long.compare(modified(a), modified(b)))
              .toList();
    }
    for (Path log : logs) {
      String step = log.getFileName().toString().replaceFirst("\\.log$", "");
      long from = printed.getOrDefault(log, 0L);
      try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
        long length = file.length();
        if (length <= from) {
          continue;
        }
        byte[] bytes = new byte[(int) (length - from)];
        file.seek(from);
        file.readFully(bytes);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        if (end < 0) {
          continue;
        }
        for (String line : text.substring(0, end).split("\n", -1)) {
          out.println(prefix + step + " | " + line);
        }
        printed.put(log, from + text.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length);
      }
    }
    out.flush();
  }

  private static long modified(Path path) {
    try {
      return Files.getLastModifiedTime(path).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
