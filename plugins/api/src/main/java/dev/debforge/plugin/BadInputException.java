package dev.debforge.plugin;

/**
 * Input that no retry can fix: a broken recipe, an image that breaks the bootc contract, an
 * option out of range. The build fails at once with this message, and the CLI exits with 2.
 * The message says what is wrong and where; {@link #hint()} says what to do.
 */
public class BadInputException extends Exception {

  private static final long serialVersionUID = 1L;
  private final String hint;

  public BadInputException(String message, String hint) {
    super(hint == null || hint.isBlank() ? message : message + "\nHint: " + hint);
    this.hint = hint;
  }

  public String hint() {
    return hint;
  }
}
