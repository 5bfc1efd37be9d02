package dev.debforge.recipe;

import java.util.regex.Pattern;

/**
 * A group to create.
 *
 * @param name a POSIX group name ({@code [a-z_][a-z0-9_-]*}, at most 32 characters)
 * @param gid  optional, 1000 to 60000 (the range Debian leaves to local groups); null lets the
 *             system choose
 */
public record Group(String name, Integer gid) {

    /** Debian's adduser accepts these names by default. */
    static final Pattern POSIX_NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

    public Group {
        Checks.required(name, "name");
        Checks.matching(name, POSIX_NAME, "name", "a valid group name",
                "use a-z, 0-9, '_' and '-', starting with a letter or '_', at most 32 characters");
        if (gid != null && (gid < 1000 || gid > 60000)) {
            throw new InvalidRecipeValueException("gid", gid + " is outside 1000..60000",
                    "leave gid out to let the system choose one");
        }
    }
}
