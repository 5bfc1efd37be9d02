package dev.debforge.oci;

import java.nio.file.Path;

/**
 * An OCI image layout that cannot be used as it is: a missing or malformed file, a blob whose
 * digest or size does not match its descriptor, a layer whose content does not match its
 * diff_id, or a layer entry that would write outside the target root. This is bad input, not a
 * transient failure: retrying does not help.
 *
 * <p>The message says what is wrong and where; {@link #hint()} says what the user could do.
 */
public final class OciException extends Exception {

  private static final long serialVersionUID = 1L;

  private final Path file;
  private final String hint;

  public OciException(String problem, Path file, String hint) {
    super(describe(problem, file, hint));
    this.file = file;
    this.hint = hint;
  }

  public OciException(String problem, Path file, String hint, Throwable cause) {
    super(describe(problem, file, hint), cause);
    this.file = file;
    this.hint = hint;
  }

  /** The file that is wrong, or {@code null} when the problem is not one file's. */
  public Path file() {
    return file;
  }

  /** What the user could do about it, or {@code null}. */
  public String hint() {
    return hint;
  }

  private static String describe(String problem, Path file, String hint) {
    StringBuilder text = new StringBuilder(problem);
    if (file != null) {
      text.append("\n  file: ").append(file);
    }
    if (hint != null && !hint.isBlank()) {
      text.append("\n  Hint: ").append(hint);
    }
    return text.toString();
  }
}
