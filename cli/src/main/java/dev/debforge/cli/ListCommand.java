package dev.debforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code debforge list}: the builds a Temporal service knows. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List builds, newest first: id, state, what is built, architecture, start "
        + "and duration.")
final class ListCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  @Option(
      names = "--state",
      paramLabel = "STATE",
      description = "Only builds in this state: running, succeeded, failed, cancelled, "
          + "terminated, timed-out.")
  String state;

  @Mixin GlobalOptions global = new GlobalOptions();
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (state != null && !Builds.STATES.contains(state)) {
      throw new UserError("--state " + state + " is not a build state\nHint: use one of "
          + String.join(", ", Builds.STATES));
    }
    Instant now = Instant.now();
    List<Builds.Entry> entries;
    try (Builds.Connection connection = Builds.connect(global)) {
      entries =
          Builds.list(connection).stream()
              .filter(e -> state == null || e.state().equals(state))
              .toList();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (global.json) {
      List<Map<String, Object>> builds = new ArrayList<>();
      for (Builds.Entry e : entries) {
        builds.add(e.toJson(now));
      }
      out.println(JSON.writeValueAsString(Map.of("builds", builds)));
    } else {
      out.println(String.format(Locale.ROOT, "%-36s %-10s %-6s %-19s %9s  %s", "ID", "STATE",
          "ARCH", "STARTED (UTC)", "SECONDS", "WHAT"));
      for (Builds.Entry e : entries) {
        out.println(String.format(Locale.ROOT, "%-36s %-10s %-6s %-19s %9.1f  %s %s", e.id(),
            e.state(), e.architecture(), TIME.format(e.started()), e.seconds(now), e.kind(),
            e.source() + (e.parent() == null ? "" : " (part of " + e.parent() + ")")));
      }
    }
    out.flush();
    return ExitCodes.DONE;
  }
}
