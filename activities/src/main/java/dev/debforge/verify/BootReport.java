package dev.debforge.verify;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a verification boot showed.
 *
 * @param reachedLogin whether a {@code login: } prompt appeared
 * @param secondsToLogin seconds from starting qemu to the login prompt
 * @param firmware {@code uefi} or {@code bios}
 * @param accelerator {@code kvm} or {@code tcg}
 * @param commandOutputs each command's output, in the order they ran
 * @param commandExitCodes each command's exit status, in the same order
 * @param transcriptTail the last lines of the console, cleaned of escape sequences
 * @param loginScreen the last console lines when the login prompt appeared, the prompt last
 *     ({@code debian login:}), or empty when it did not appear
 */
public record BootReport(
    boolean reachedLogin,
    double secondsToLogin,
    String firmware,
    String accelerator,
    Map<String, String> commandOutputs,
    Map<String, Integer> commandExitCodes,
    String transcriptTail,
    String loginScreen) {

  public BootReport {
    loginScreen = loginScreen == null ? "" : loginScreen;
    commandOutputs = Collections.unmodifiableMap(new LinkedHashMap<>(commandOutputs));
    commandExitCodes = Collections.unmodifiableMap(new LinkedHashMap<>(commandExitCodes));
  }

  /** The prompt line of {@link #loginScreen()}, like {@code debian login:}; empty if none. */
  public String loginPrompt() {
    String[] lines = loginScreen.strip().split("\n");
    return lines[lines.length - 1].strip();
  }
}
