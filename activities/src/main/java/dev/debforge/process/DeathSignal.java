package dev.debforge.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a started tool die with debforge, even when debforge itself is killed with SIGKILL and no
 * shutdown hook runs. Every program is started as {@code setpriv --pdeathsig KILL -- PROGRAM ...}
 * (util-linux, essential on Debian): setpriv asks the kernel to send SIGKILL to it when its parent
 * goes away, then executes the program in its place, which keeps the setting.
 *
 * <p>Two limits:
 *
 * <ul>
 *   <li>The kernel sends the signal when the parent <em>thread</em> ends, not the parent process.
 *       The thread that starts a tool must therefore outlive it: {@link ProcessRunner} and
 *       {@code ProcessLauncher} start a tool on the thread that then waits for it or holds it
 *       open in a try-with-resources, so the tool never outlives that thread by design.
 *   <li>The setting is not inherited by the tool's own children (a fork resets it). Those are
 *       killed with the tree when a call is cancelled or times out, and by the shutdown hook on
 *       SIGINT and SIGTERM ({@link ExitCleanup}); only after a SIGKILL of debforge can such a
 *       grandchild outlive it, and it usually ends with SIGPIPE when it next writes to the
 *       output it shares with the tool, since its reader is gone.
 * </ul>
 *
 * <p>On a host without setpriv the prefix is empty and only the other two mechanisms apply.
 */
public final class DeathSignal {

  static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  private static final List<String> PREFIX =
      Files.isExecutable(SETPRIV)
          ? List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--")
          : List.of();

  /** The start of every message setpriv prints when it cannot execute the program. */
  static final String EXEC_FAILED = "setpriv: failed to execute ";

  private DeathSignal() {}

  /** The argv that runs this one with the death signal set. */
  public static List<String> wrap(List<String> argv) {
    if (PREFIX.isEmpty()) {
      return argv;
    }
    List<String> wrapped = new ArrayList<>(PREFIX.size() + argv.size());
    wrapped.addAll(PREFIX);
    wrapped.addAll(argv);
    return List.copyOf(wrapped);
  }

  /** Whether the program (a path, or a name looked up on PATH) exists and may be executed. */
  public static boolean canExecute(String program) {
    if (program.contains("/")) {
      return Files.isExecutable(Path.of(program));
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a tool's exit says that setpriv could not execute the program (not found, or not
   * executable), which a start without the prefix reports as a failure to start.
   */
  public static boolean execFailed(int exitCode, String lastStderrLine) {
    return !PREFIX.isEmpty()
        && (exitCode == 126 || exitCode == 127)
        && lastStderrLine != null
        && lastStderrLine.startsWith(EXEC_FAILED);
  }
}
