package dev.debforge.cli;

import picocli.CommandLine.Option;

/** The option every command that builds takes: the timestamp for reproducible output. */
final class BuildTimeOptions {

  @Option(
      names = "--source-date-epoch",
      paramLabel = "SECONDS",
      description = "Timestamp for reproducible output (default: $SOURCE_DATE_EPOCH).")
  Long sourceDateEpoch;

  /** The option, else {@code $SOURCE_DATE_EPOCH}, else null. */
  Long epoch() {
    if (sourceDateEpoch != null) {
      return sourceDateEpoch;
    }
    String value = System.getenv("SOURCE_DATE_EPOCH");
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new UserError("SOURCE_DATE_EPOCH is not a number of seconds: " + value);
    }
  }
}
