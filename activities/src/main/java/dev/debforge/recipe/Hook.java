package dev.debforge.recipe;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A script the build runs at a fixed point: JavaScript or Python, in a sandbox, changing the
 * image only through the hook API (docs/hooks.md).
 *
 * <p>Exactly one of {@code file} and {@code source} is given. {@code file} follows the rules of
 * {@link FileEntry#source()}: a path relative to the recipe's directory that does not lead out of
 * it. The language follows from the file's extension ({@code .js}, {@code .py}) when it is not
 * given; inline source needs it.
 *
 * @param name     {@code [a-z0-9][a-z0-9._-]*}, each once in a recipe (required)
 * @param at       where it runs: {@code after-packages}, {@code before-commit} or
 *                 {@code after-deploy} (required)
 * @param language {@code javascript} or {@code python}
 * @param file     the script, beside the recipe
 * @param source   the script's text
 */
public record Hook(String name, String at, String language, String file, String source) {

    public static final List<String> POINTS = List.of("after-packages", "before-commit", "after-deploy");
    public static final List<String> LANGUAGES = List.of("javascript", "python");

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    public Hook {
        Checks.required(name, "name");
        Checks.matching(name, NAME, "name", "a valid hook name",
                "use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit");
        Checks.required(at, "at");
        Checks.oneOf(at, POINTS, "at");
        if ((file == null) == (source == null)) {
            throw new InvalidRecipeValueException("", file == null
                    ? "has neither file nor source" : "has both file and source",
                    "give exactly one of file (a script next to the recipe) and source (the script's text)");
        }
        if (file != null) {
            Checks.relativeFile(file, "file");
            String inferred = file.endsWith(".js") ? "javascript" : file.endsWith(".py") ? "python" : null;
            if (language == null && inferred == null) {
                throw new InvalidRecipeValueException("language", "is missing and " + Checks.quote(file)
                        + " does not end in .js or .py", "set language: javascript or language: python");
            }
            if (language != null && inferred != null && !language.equals(inferred)) {
                throw new InvalidRecipeValueException("language", Checks.quote(language) + " does not match "
                        + Checks.quote(file), "name a JavaScript file .js and a Python file .py, or drop language");
            }
            language = language == null ? inferred : language;
        } else if (language == null) {
            throw new InvalidRecipeValueException("language", "required key is missing",
                    "inline source needs language: javascript or language: python");
        }
        Checks.oneOf(language, LANGUAGES, "language");
    }

    /**
     * The script file inside {@code recipeDir}.
     *
     * @throws InvalidRecipeValueException if the hook has inline source, or its file leads out of
     *                                     the directory (through a symbolic link, for example)
     */
    public Path resolveFile(Path recipeDir) {
        if (file == null) {
            throw new InvalidRecipeValueException("file", "is not set", "this hook has inline source");
        }
        return Checks.resolveBeside(recipeDir, file, "file");
    }
}
