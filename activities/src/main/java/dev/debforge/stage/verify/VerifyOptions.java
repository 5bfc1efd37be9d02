package dev.debforge.stage.verify;

import java.util.List;

/**
 * Options of the {@code verify} stage.
 *
 * @param firmware {@code uefi} (default) or {@code bios}; arm64 has only UEFI
 * @param diskFile the disk's file name in the {@code disk} input; by default the only file there
 * @param format qemu's image format; by default from the file's extension ({@code .qcow2},
 *     {@code .vmdk}, {@code .vhd} as vpc, anything else raw)
 * @param timeoutSeconds how long the boot may take to the login prompt, and each command (at
 *     least 120 s); default 300
 * @param user who to log in as; with {@code password}, or neither
 * @param password that user's password
 * @param commands shell commands to run after logging in; need a user
 */
public record VerifyOptions(
    String firmware,
    String diskFile,
    String format,
    Integer timeoutSeconds,
    String user,
    String password,
    List<String> commands) {

  public VerifyOptions {
    commands = commands == null ? List.of() : List.copyOf(commands);
  }

  @Override
  public String toString() {
    return "VerifyOptions[firmware=" + firmware + ", diskFile=" + diskFile + ", format=" + format
        + ", timeoutSeconds=" + timeoutSeconds + ", user=" + user + ", password="
        + (password == null ? "null" : "(hidden)") + ", commands=" + commands + "]";
  }
}
