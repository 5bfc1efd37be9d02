package dev.debforge.recipe;

/**
 * Thrown by the recipe records' constructors when a value is invalid.
 *
 * <p>{@link #path()} is relative to the record being built ({@code password} for a {@link User},
 * {@code install[2]} for {@link Packages}, "" for the record as a whole). The parser prefixes it
 * with the record's own position in the file and turns it into a {@link RecipeException}; code
 * that builds records directly sees an ordinary {@link IllegalArgumentException}.
 */
public final class InvalidRecipeValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final String problem;
    private final String hint;

    public InvalidRecipeValueException(String path, String problem, String hint) {
        super((path.isEmpty() ? "" : path + ": ") + problem + (hint == null ? "" : " (hint: " + hint + ")"));
        this.path = path;
        this.problem = problem;
        this.hint = hint;
    }

    /** The key path relative to the record that threw, "" for the record itself. */
    public String path() {
        return path;
    }

    public String problem() {
        return problem;
    }

    /** What the user could do about it, or null. */
    public String hint() {
        return hint;
    }
}
