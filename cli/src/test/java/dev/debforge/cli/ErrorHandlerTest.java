package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ErrorHandlerTest {

  private final StringWriter err = new StringWriter();

  private int handle(Exception e) {
    CommandLine commandLine = new CommandLine(new DebforgeCommand());
    commandLine.setErr(new PrintWriter(err, true));
    return new ErrorHandler().handleExecutionException(e, commandLine, null);
  }

  @Test
  void userErrorsExitWithTwoAndAreEscaped() {
    assertEquals(ExitCodes.BAD_INPUT, handle(new UserError("bad 'x\u001b[2J'\nHint: fix it")));
    assertEquals("error: bad 'x\\x1b[2J'\nHint: fix it\n", err.toString());
  }

  @Test
  void fileTroubleExitsWithOneAndIsNoDefect() {
    int code = handle(new FileSystemException("/tmp/debforge-verify1", null,
        "No space left on device"));
    assertEquals(ExitCodes.FAILED, code);
    assertTrue(err.toString().startsWith(
        "error: /tmp/debforge-verify1: No space left on device\nHint: "), err.toString());
    assertFalse(err.toString().contains("defect"), err.toString());
  }

  @Test
  void anythingElseIsCalledADefectOfDebforge() {
    assertEquals(ExitCodes.FAILED, handle(new IllegalStateException("no session")));
    assertTrue(err.toString().startsWith("error: debforge defect: "), err.toString());
    assertTrue(err.toString().contains("Hint: this is a bug in debforge"), err.toString());
  }
}
