package dev.debforge.recipe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The validation steps the recipe records share; each failure names the key it is about. */
final class Checks {
    private Checks() {
    }

    static String required(String value, String path) {
        if (value == null) {
            throw new InvalidRecipeValueException(path, "required key is missing", null);
        }
        return value;
    }

    static String matching(String value, Pattern pattern, String path, String what, String hint) {
        if (value != null && !pattern.matcher(value).matches()) {
            throw new InvalidRecipeValueException(path, quote(value) + " is not " + what, hint);
        }
        return value;
    }

    static String oneOf(String value, List<String> allowed, String path) {
        if (value != null && !allowed.contains(value)) {
            throw new InvalidRecipeValueException(path, quote(value) + " is not allowed",
                    "use one of: " + String.join(", ", allowed));
        }
        return value;
    }

    /** An immutable copy of the list, empty for null; null items are rejected with their index. */
    static List<String> strings(List<String> list, String path) {
        if (list == null) {
            return List.of();
        }
        List<String> copy = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new InvalidRecipeValueException(path + "[" + i + "]", "expected a string, got nothing", null);
            }
            copy.add(list.get(i));
        }
        return List.copyOf(copy);
    }

    static <T> List<T> records(List<T> list, String path) {
        if (list == null) {
            return List.of();
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new InvalidRecipeValueException(path + "[" + i + "]", "expected a mapping, got nothing", null);
            }
        }
        return List.copyOf(list);
    }

    /** Applies a check to every item, reporting the first bad one by its index. */
    static void each(List<String> list, String path, Pattern pattern, String what, String hint) {
        for (int i = 0; i < list.size(); i++) {
            matching(list.get(i), pattern, path + "[" + i + "]", what, hint);
        }
    }

    static void unique(List<String> list, String path, String what) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            if (!seen.add(list.get(i))) {
                throw new InvalidRecipeValueException(path + "[" + i + "]",
                        quote(list.get(i)) + " is listed twice", "list each " + what + " once");
            }
        }
    }

    /** A path relative to the recipe's directory: not absolute, not climbing out with '..'. */
    static void relativeFile(String value, String key) {
        String hint = "give a path relative to the recipe's directory, e.g. files/motd";
        if (value.isEmpty() || value.startsWith("/")) {
            throw new InvalidRecipeValueException(key, quote(value) + " is not a relative path", hint);
        }
        for (String segment : value.split("/")) {
            if (segment.equals("..")) {
                throw new InvalidRecipeValueException(key, quote(value) + " leads out of the recipe's directory",
                        hint);
            }
        }
    }

    /** A file beside the recipe, refused when it leads out of the directory through a link. */
    static Path resolveBeside(Path recipeDir, String relative, String key) {
        Path dir = recipeDir.toAbsolutePath().normalize();
        Path resolved = dir.resolve(relative).normalize();
        try {
            if (Files.exists(resolved) && !resolved.toRealPath().startsWith(dir.toRealPath())) {
                throw new InvalidRecipeValueException(key, quote(relative) + " leads out of " + dir,
                        "copy the file into the recipe's directory");
            }
        } catch (IOException e) {
            throw new InvalidRecipeValueException(key, "cannot resolve " + quote(relative) + ": " + e, null);
        }
        return resolved;
    }

    /** The value quoted for a message, its control characters escaped (see {@link UserText}). */
    static String quote(String value) {
        return UserText.quote(value);
    }
}
