package dev.debforge.cli;

/** Input the user must fix; its message is printed as it is and the exit code is 2. */
final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UserError(String message) {
    super(message);
  }
}
