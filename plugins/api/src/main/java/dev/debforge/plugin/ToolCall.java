package dev.debforge.plugin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One invocation of an external tool: an argv list (never a shell string), its environment
 * additions, working directory and time limit.
 *
 * @param argv the program and its arguments
 * @param environment variables added to the runner's environment
 * @param directory the working directory, or {@code null} for the current one
 * @param timeout how long the tool may run before its process tree is killed
 * @param stdout where standard output goes: {@code null} streams it to the log with the label,
 *     otherwise the file receives it (for tools whose output is data)
 * @param stdin a file fed to standard input, or {@code null} for none
 */
public record ToolCall(
    List<String> argv,
    Map<String, String> environment,
    Path directory,
    Duration timeout,
    Path stdout,
    Path stdin) {

  public ToolCall {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a tool call needs a program");
    }
    environment = Map.copyOf(environment);
    Objects.requireNonNull(timeout, "timeout");
  }

  public static ToolCall of(List<String> argv, Duration timeout) {
    return new ToolCall(argv, Map.of(), null, timeout, null, null);
  }

  public ToolCall withEnvironment(Map<String, String> env) {
    return new ToolCall(argv, env, directory, timeout, stdout, stdin);
  }

  public ToolCall inDirectory(Path dir) {
    return new ToolCall(argv, environment, dir, timeout, stdout, stdin);
  }

  public ToolCall withStdout(Path file) {
    return new ToolCall(argv, environment, directory, timeout, file, stdin);
  }

  public ToolCall withStdin(Path file) {
    return new ToolCall(argv, environment, directory, timeout, stdout, file);
  }

  /**
   * The program's name, as shown in labels and errors: the file name of {@code argv[0]}, or for a
   * program started through a dynamic loader ({@code ld.so … --argv0 NAME PROGRAM …}), NAME.
   */
  public String tool() {
    String program = argv.get(0);
    String name = program.substring(program.lastIndexOf('/') + 1);
    int argv0 = argv.indexOf("--argv0");
    if (name.startsWith("ld-linux") && argv0 > 0 && argv0 + 1 < argv.size()) {
      return argv.get(argv0 + 1);
    }
    return name;
  }
}
