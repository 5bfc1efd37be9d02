package dev.debforge.recipe;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The kernel package and its command line.
 *
 * @param packageName the kernel package (YAML key {@code package}); null means
 *                    {@code linux-image-<arch>} for each architecture
 * @param args        kernel arguments such as {@code console=ttyS0,115200}, default none
 */
public record Kernel(@JsonProperty("package") String packageName, List<String> args) {

    private static final Pattern ARG = Pattern.compile("[^\\s\\p{Cntrl}]+");

    /** Debian's kernel for the architecture, no extra arguments. */
    public static final Kernel DEFAULT = new Kernel(null, null);

    public Kernel {
        Checks.matching(packageName, Packages.NAME, "package", "a Debian package name", null);
        args = Checks.strings(args, "args");
        for (int i = 0; i < args.size(); i++) {
            // A plain space gets the recipe's own rule below, with its own hint.
            String problem = args.get(i).indexOf(' ') < 0 ? KernelArgument.problem(args.get(i)) : null;
            if (problem != null) {
                throw new InvalidRecipeValueException("args[" + i + "]", problem, KernelArgument.HINT);
            }
        }
        // The recipe's arguments travel through kargs.d, whose readers split on blanks.
        Checks.each(args, "args", ARG, "a kernel argument",
                "write one argument per list item, without spaces, e.g. console=ttyS0,115200");
    }

    /** The kernel package to install for an architecture such as {@code amd64}. */
    public String packageFor(String arch) {
        return packageName != null ? packageName : "linux-image-" + arch;
    }
}
