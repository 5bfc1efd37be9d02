package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleEventsTest {

  private final StringWriter text = new StringWriter();
  private final PrintWriter err = new PrintWriter(text, true);

  private List<String> lines() {
    return text.toString().lines().toList();
  }

  @Test
  void aStepsLinesWaitForItsAnnouncementWhenHeld() {
    ConsoleEvents events = new ConsoleEvents(err, true, true, false);
    events.holdUntilAnnounced();
    events.progress("b1", "extract", "copying");
    events.toolOutput("b1", "extract", "Getting image source signatures");
    assertEquals(List.of(), lines());
    assertTrue(events.holds("b1", "extract"));
    assertFalse(events.holds("b1", "deploy"));
    err.println("[1/7] extract");
    events.announce("b1", "extract");
    events.progress("b1", "extract", "unpacking");
    events.announce("b1", "extract");
    assertEquals(
        List.of(
            "[1/7] extract",
            "      extract: copying",
            "      extract | Getting image source signatures",
            "      extract: unpacking"),
        lines());
  }

  @Test
  void withoutHoldingLinesPassAndOnlyAWorkerPrintsFailures() {
    ConsoleEvents cli = new ConsoleEvents(err, true, false, false);
    cli.progress("b1", "deploy", "pulling");
    cli.toolOutput("b1", "deploy", "not shown without -v");
    cli.failed("b1", "deploy", "no space");
    ConsoleEvents worker = new ConsoleEvents(err, false, false, true);
    worker.progress("b2", "deploy", "not shown with --progress quiet");
    worker.failed("b2", "deploy", "no space\nHint: free some");
    assertEquals(
        List.of(
            "      deploy: pulling",
            "build b2: step deploy failed: no space",
            "Hint: free some"),
        lines());
  }

  @Test
  void whatIsStillHeldIsReleasedAtTheEnd() {
    ConsoleEvents events = new ConsoleEvents(err, true, false, false);
    events.holdUntilAnnounced();
    events.progress("b1", "publish", "writing");
    events.releaseAll();
    events.progress("b1", "publish", "renamed");
    assertEquals(List.of("      publish: writing", "      publish: renamed"), lines());
  }

  @Test
  void theLinesOfAMultiArchitectureBuildsChildrenNameTheirArchitecture() {
    ConsoleEvents events = new ConsoleEvents(err, true, true, false);
    events.progress("compose-x-1a2b3c4d-arm64", "initramfs", "dracut");
    events.toolOutput("compose-x-1a2b3c4d-amd64", "debootstrap", "I: unpacking");
    events.progress("compose-x-1a2b3c4d", "index", "copying the amd64 image");
    assertEquals(
        List.of(
            "      arm64: initramfs: dracut",
            "      amd64: debootstrap | I: unpacking",
            "      index: copying the amd64 image"),
        lines());
  }
}
