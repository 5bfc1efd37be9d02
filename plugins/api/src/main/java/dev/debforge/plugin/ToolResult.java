package dev.debforge.plugin;

import java.time.Duration;

/**
 * What a finished tool left: its exit code, the captured standard output (when it was not sent
 * to a file; bounded) and how long it ran.
 */
public record ToolResult(int exitCode, String stdout, Duration elapsed) {}
