package dev.debforge.recipe;

/**
 * User-supplied text as messages show it. A value read from a recipe, a config file or the
 * command line may hold control characters: an escape sequence would reach the terminal and
 * act there (clear the screen, retitle the window), a newline would fake a line of the message.
 * Every message that quotes a user's value quotes it here, and the command line passes whole
 * messages through {@link #printable} before printing them.
 */
public final class UserText {

  private UserText() {}

  /** Longer values are cut in messages: a whole megabyte would bury the message. */
  static final int MAX_QUOTED = 120;

  /**
   * The value in single quotes, its control characters escaped ({@code 'a\n\x1b[2J'}), and cut
   * after {@value #MAX_QUOTED} characters with its length said.
   */
  public static String quote(String value) {
    if (value.length() > MAX_QUOTED) {
      return "'" + escape(value.substring(0, MAX_QUOTED), false) + "...' (" + value.length()
          + " characters)";
    }
    return "'" + escape(value, false) + "'";
  }

  /**
   * A message with every control character escaped except the newlines and tabs that lay it
   * out; what a value quoted with {@link #quote} already escaped stays as it is.
   */
  public static String printable(String message) {
    return message == null ? null : escape(message, true);
  }

  private static String escape(String text, boolean keepLayout) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement = null;
      if (c == '\n' || c == '\t') {
        if (!keepLayout) {
          replacement = c == '\n' ? "\\n" : "\\t";
        }
      } else if (c == '\r') {
        replacement = "\\r";
      } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)
          || c == '\u2028' || c == '\u2029') {
        replacement = String.format("\\x%02x", (int) c);
        if (c > 0xff) {
          replacement = String.format("\\u%04x", (int) c);
        }
      }
      if (replacement != null && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        out.append(replacement != null ? replacement : String.valueOf(c));
      }
    }
    return out == null ? text : out.toString();
  }
}
