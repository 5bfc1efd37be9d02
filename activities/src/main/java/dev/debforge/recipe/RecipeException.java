package dev.debforge.recipe;

import java.util.Objects;

/**
 * A recipe that cannot be used: a YAML syntax error, an unknown key, a value of the wrong type,
 * a missing required key or an invalid value.
 *
 * <p>It names the file, the 1-based line and column, the key path (such as
 * {@code users[0].password}), the problem and, where there is one, a hint. {@link #getMessage()}
 * puts them in the form editors and terminals recognise:
 *
 * <pre>
 * recipes/x.yaml:12:5: packages.install[2]: expected a string, got a mapping
 * Hint: write one package name per list item
 * </pre>
 *
 * <p>The exception is checked because every caller has to turn a bad recipe into a user-facing
 * outcome (exit code 2 on the command line, a non-retryable failure in a workflow).
 */
public final class RecipeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final int column;
    private final String keyPath;
    private final String problem;
    private final String hint;

    /**
     * @param file    the recipe file as the user named it
     * @param line    1-based line, or 0 when unknown
     * @param column  1-based column, or 0 when unknown
     * @param keyPath the key path, or "" for the document as a whole
     * @param problem what is wrong
     * @param hint    what the user could do, or null
     */
    public RecipeException(String file, int line, int column, String keyPath, String problem, String hint) {
        this(file, line, column, keyPath, problem, hint, null);
    }

    public RecipeException(String file, int line, int column, String keyPath, String problem, String hint,
            Throwable cause) {
        super(format(file, line, column, keyPath, problem, hint), cause);
        this.file = Objects.requireNonNull(file, "file");
        this.line = line;
        this.column = column;
        this.keyPath = keyPath == null ? "" : keyPath;
        this.problem = Objects.requireNonNull(problem, "problem");
        this.hint = hint;
    }

    public String file() {
        return file;
    }

    /** The 1-based line, or 0 when the location is unknown. */
    public int line() {
        return line;
    }

    /** The 1-based column, or 0 when the location is unknown. */
    public int column() {
        return column;
    }

    /** The key path such as {@code base.suite} or {@code users[0].password}; "" for the whole document. */
    public String keyPath() {
        return keyPath;
    }

    /** The problem alone, without location or hint. */
    public String problem() {
        return problem;
    }

    /** What the user could do about it, or null. */
    public String hint() {
        return hint;
    }

    private static String format(String file, int line, int column, String keyPath, String problem, String hint) {
        StringBuilder text = new StringBuilder(file);
        if (line > 0) {
            text.append(':').append(line);
            if (column > 0) {
                text.append(':').append(column);
            }
        }
        text.append(": ");
        if (keyPath != null && !keyPath.isEmpty()) {
            text.append(keyPath).append(": ");
        }
        text.append(problem);
        if (hint != null && !hint.isEmpty()) {
            text.append("\nHint: ").append(hint);
        }
        return text.toString();
    }
}
