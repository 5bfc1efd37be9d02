package dev.debforge.activity;

/**
 * A step's input is not in this worker's store: the build moved to another host, or the store
 * was cleaned. The workflow answers by planning the build again on one host.
 */
public final class InputMissingException extends RuntimeException {
  public InputMissingException(String message) {
    super(message);
  }
}
