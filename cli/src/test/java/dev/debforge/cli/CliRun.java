package dev.debforge.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the CLI in this JVM, with what it printed. */
record CliRun(int exitCode, String out, String err) {

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    System.err.print(err);
    return new CliRun(code, out.toString(), err.toString());
  }
}
