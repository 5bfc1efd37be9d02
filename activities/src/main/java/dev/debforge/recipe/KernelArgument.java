package dev.debforge.recipe;

/**
 * The one check of a kernel argument, wherever it comes from: a recipe's {@code kernel.args},
 * a {@code --config} file's {@code customizations.kernel.append}, or {@code --karg}. The
 * argument ends up on the kernel command line that GRUB passes: a control character (a NUL, a
 * newline) would cut or split that line, and an unbalanced double quote would swallow the
 * arguments after it.
 */
public final class KernelArgument {

  /** What to do about an argument this class refuses. */
  public static final String HINT =
      "give one argument such as console=ttyS0,115200 or dyndbg=\"file x +p\": no control"
          + " characters, double quotes in pairs, spaces only inside them";

  private KernelArgument() {}

  /** What is wrong with the argument, or null when nothing is. */
  public static String problem(String arg) {
    if (arg.isEmpty()) {
      return "is empty";
    }
    boolean quoted = false;
    for (int i = 0; i < arg.length(); i++) {
      char c = arg.charAt(i);
      if (Character.isISOControl(c)) {
        return UserText.quote(arg) + " contains a control character ("
            + UserText.quote(String.valueOf(c)) + ")";
      }
      if (c == '"') {
        quoted = !quoted;
      } else if (Character.isWhitespace(c) && !quoted) {
        return UserText.quote(arg) + " contains a space outside double quotes";
      }
    }
    if (quoted) {
      return UserText.quote(arg) + " has an unbalanced double quote";
    }
    return null;
  }
}
