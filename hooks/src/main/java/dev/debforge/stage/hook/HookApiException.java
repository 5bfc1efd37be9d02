package dev.debforge.stage.hook;

/**
 * A refused or failed call of the hook API. It reaches the script as an error at the line of the
 * call, so the script's stack trace shows where the hook asked for something it may not do.
 */
final class HookApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  HookApiException(String message) {
    super(message);
  }
}
