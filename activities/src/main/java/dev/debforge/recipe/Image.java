package dev.debforge.recipe;

import java.util.regex.Pattern;

/**
 * The name and tag of the composed OCI image.
 *
 * @param name an OCI repository name; the {@link Recipe} fills in its own name when this is null
 * @param tag  default {@code latest}
 */
public record Image(String name, String tag) {

    static final Pattern NAME = Pattern.compile(
            "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    public Image {
        Checks.matching(name, NAME, "name", "a valid OCI image name",
                "use lower-case letters and digits separated by '.', '_', '-' or '/'");
        tag = tag == null ? "latest" : tag;
        Checks.matching(tag, TAG, "tag", "a valid OCI tag",
                "use letters, digits, '_', '.' and '-', at most 128 characters");
    }
}
