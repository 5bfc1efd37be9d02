package dev.debforge.recipe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A file to put into the image.
 *
 * <p>Exactly one of {@code content} and {@code source} is given. {@code source} is a relative
 * path, resolved against the directory of the recipe file; absolute paths and paths that climb
 * out with {@code ..} are refused, so a recipe and its files can be moved and built anywhere.
 *
 * @param path    the absolute, normalised path in the image; not under /proc, /sys, /dev, /run,
 *                /tmp or /boot
 * @param content the file's text
 * @param source  a file next to the recipe to copy
 * @param mode    octal permission bits, default {@code 0644}; three digits are read as four
 *                with a leading 0
 * @param owner   {@code user:group}, names or numbers, default {@code root:root}
 */
public record FileEntry(String path, String content, String source, String mode, String owner) {

    /** Directories that are filled at run time or by the boot process, never by the image. */
    public static final List<String> FORBIDDEN_DIRECTORIES = List.of("/proc", "/sys", "/dev", "/run", "/tmp", "/boot");

    private static final Pattern MODE = Pattern.compile("[0-7]{3,4}");
    private static final Pattern OWNER = Pattern.compile("([a-z_][a-z0-9_-]{0,31}|\\d+):([a-z_][a-z0-9_-]{0,31}|\\d+)");

    public FileEntry {
        Checks.required(path, "path");
        checkImagePath(path);
        if ((content == null) == (source == null)) {
            throw new InvalidRecipeValueException("", content == null
                    ? "has neither content nor source" : "has both content and source",
                    "give exactly one of content (the text) and source (a file next to the recipe)");
        }
        if (source != null) {
            Checks.relativeFile(source, "source");
        }
        mode = mode == null ? "0644" : mode;
        Checks.matching(mode, MODE, "mode", "an octal mode", "write it as a quoted string, e.g. \"0644\"");
        mode = mode.length() == 3 ? "0" + mode : mode;
        owner = owner == null ? "root:root" : owner;
        Checks.matching(owner, OWNER, "owner", "an owner", "write it as user:group, names or numbers, e.g. root:root");
    }

    /** The permission bits of {@link #mode()}. */
    public int modeBits() {
        return Integer.parseInt(mode, 8);
    }

    /**
     * The source file inside {@code recipeDir}.
     *
     * @throws InvalidRecipeValueException if there is no source, or it leads out of the directory
     *                                     (through a symbolic link, for example)
     */
    public Path resolveSource(Path recipeDir) {
        if (source == null) {
            throw new InvalidRecipeValueException("source", "is not set", "this file has content instead");
        }
        return Checks.resolveBeside(recipeDir, source, "source");
    }

    /**
     * The source file inside {@code recipeDir}, checked to be there and to be a regular file, as
     * {@code validate} and the plan check it before anything is built.
     *
     * @throws InvalidRecipeValueException if it leads out of the directory, is missing, or is a
     *                                     directory, a FIFO, a device or a socket
     */
    public Path checkSource(Path recipeDir) {
        Path resolved = resolveSource(recipeDir);
        String hint = "give a regular file in the recipe's directory (or below it), e.g. files/motd";
        if (!Files.exists(resolved)) {
            throw new InvalidRecipeValueException("source", Checks.quote(source) + " does not exist in "
                    + recipeDir.toAbsolutePath().normalize(), hint);
        }
        if (Files.isDirectory(resolved)) {
            throw new InvalidRecipeValueException("source", Checks.quote(source) + " is a directory", hint);
        }
        if (!Files.isRegularFile(resolved)) {
            throw new InvalidRecipeValueException("source", Checks.quote(source)
                    + " is not a regular file (it is a FIFO, a device or a socket)", hint);
        }
        return resolved;
    }

    private static void checkImagePath(String path) {
        String hint = "write an absolute path without '.', '..', '//' or a trailing '/', e.g. /etc/motd";
        if (!path.startsWith("/") || path.length() == 1) {
            throw new InvalidRecipeValueException("path", Checks.quote(path) + " is not an absolute file path", hint);
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new InvalidRecipeValueException("path", Checks.quote(path) + " is not normalised", hint);
            }
        }
        for (String dir : FORBIDDEN_DIRECTORIES) {
            if (path.equals(dir) || path.startsWith(dir + "/")) {
                throw new InvalidRecipeValueException("path", Checks.quote(path) + " is under " + dir,
                        "files under " + String.join(", ", FORBIDDEN_DIRECTORIES)
                                + " are made at boot or by the bootloader step, not by the recipe");
            }
        }
    }
}
