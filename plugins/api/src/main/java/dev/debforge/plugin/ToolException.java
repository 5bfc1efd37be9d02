package dev.debforge.plugin;

import java.util.List;

/** An external tool that could not be run, failed, timed out or was cancelled. */
public class ToolException extends Exception {

  private static final long serialVersionUID = 1L;

  /** How the tool failed, as mkosi classifies it. */
  public enum Kind {
    NOT_FOUND,
    EXIT_CODE,
    TIMED_OUT,
    KILLED
  }

  private final Kind kind;
  private final List<String> argv;
  private final int exitCode;
  private final String stderrTail;

  public ToolException(Kind kind, List<String> argv, int exitCode, String stderrTail) {
    super(describe(kind, argv, exitCode, stderrTail));
    this.kind = kind;
    this.argv = List.copyOf(argv);
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
  }

  public Kind kind() {
    return kind;
  }

  public List<String> argv() {
    return argv;
  }

  public int exitCode() {
    return exitCode;
  }

  public String stderrTail() {
    return stderrTail;
  }

  private static String describe(Kind kind, List<String> argv, int exitCode, String tail) {
    String tool = argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
    String what =
        switch (kind) {
          case NOT_FOUND -> tool + " is not installed or not on PATH";
          case EXIT_CODE -> tool + " failed with exit code " + exitCode;
          case TIMED_OUT -> tool + " timed out and was killed";
          case KILLED -> tool + " was cancelled";
        };
    StringBuilder text = new StringBuilder(what).append("\n  command: ").append(quote(argv));
    if (tail != null && !tail.isBlank()) {
      text.append("\n  stderr (last lines):");
      for (String line : tail.strip().split("\n")) {
        text.append("\n    ").append(line);
      }
    }
    return text.toString();
  }

  /** The argv as a shell would need it quoted, for copying into a terminal. */
  public static String quote(List<String> argv) {
    StringBuilder out = new StringBuilder();
    for (String arg : argv) {
      if (out.length() > 0) {
        out.append(' ');
      }
      if (!arg.isEmpty() && arg.matches("[A-Za-z0-9_./:=,+@%-]+")) {
        out.append(arg);
      } else {
        out.append('\'').append(arg.replace("'", "'\\''")).append('\'');
      }
    }
    return out.toString();
  }
}
