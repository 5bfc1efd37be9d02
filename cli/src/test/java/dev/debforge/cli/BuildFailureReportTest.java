package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.activity.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How a failed build ends on the command line, by the kind {@link Failures} gave it. */
class BuildFailureReportTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int failed(ApplicationFailure cause, String... options) throws Exception {
    GlobalOptions global = new GlobalOptions();
    new CommandLine(global).parseArgs(options);
    return new BuildRunner(global, new PrintWriter(out, true), new PrintWriter(err, true))
        .failed("build-1", cause, 1.0);
  }

  @Test
  void badInputExitsWithTwoAndNoLogHint() throws Exception {
    int code =
        failed(ApplicationFailure.newNonRetryableFailure(
            "layer sha256:ab of oci:/x is truncated\nHint: copy it again", Failures.BAD_INPUT));
    assertEquals(ExitCodes.BAD_INPUT, code);
    assertEquals("error: layer sha256:ab of oci:/x is truncated\nHint: copy it again\n",
        err.toString());
  }

  @Test
  void aBugExitsWithOneAndSaysItIsDebforgesDefect() throws Exception {
    String message = Failures.toFailure("stage deploy", new NullPointerException("x is null"))
        .getMessage();
    int code =
        failed(ApplicationFailure.newNonRetryableFailure(
            message.substring(message.indexOf("debforge defect")), Failures.BUG), "--json");
    assertEquals(ExitCodes.FAILED, code);
    assertTrue(err.toString().startsWith("error: debforge defect in stage deploy: "
        + "java.lang.NullPointerException: x is null"), err.toString());
    assertTrue(err.toString().contains(
        "(build build-1 stopped on a defect in debforge, not on its input)"), err.toString());
    assertTrue(out.toString().contains("\"errorType\" : \"Bug\""), out.toString());
  }

  @Test
  void aToolFailurePointsAtTheStepLogs() throws Exception {
    int code = failed(ApplicationFailure.newFailure("stage x: skopeo failed", Failures.TOOL_FAILED));
    assertEquals(ExitCodes.FAILED, code);
    assertTrue(err.toString().contains("Hint: the step logs are under the store's logs/build-1/"),
        err.toString());
    assertFalse(err.toString().contains("defect"), err.toString());
  }
}
