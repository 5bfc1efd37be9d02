package dev.debforge.recipe;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What to compose: a Debian base, packages, kernel, accounts, files, services and settings.
 *
 * <p>Read one with {@link RecipeParser}; docs/recipes.md documents every key. The compact
 * constructor applies the defaults, so every component of a built recipe is non-null except
 * {@code description} and the optional values inside {@link Base}, {@link Kernel} and
 * {@link User}.
 *
 * @param name          {@code [a-z0-9][a-z0-9._-]*} (required)
 * @param description   free text, optional
 * @param base          the Debian base (required)
 * @param architectures amd64 and/or arm64, default {@code [amd64]}
 * @param packages      default none
 * @param kernel        default Debian's kernel with no extra arguments
 * @param users         default none
 * @param groups        default none
 * @param files         default none
 * @param services      default none
 * @param hostname      default the name
 * @param locale        default {@code C.UTF-8}
 * @param timezone      default {@code Etc/UTC}
 * @param image         default the name, tag {@code latest}
 * @param plugins       plugin id → that plugin's options; naming a plugin here puts its pipeline
 *                      stages in the build (default none). Each plugin checks its own options.
 * @param hooks         scripts run at fixed points of the build, in this order; default none
 *                      (left out of the canonical JSON when empty, so recipes without hooks keep
 *                      their cache keys)
 */
public record Recipe(
        String name,
        String description,
        Base base,
        List<String> architectures,
        Packages packages,
        Kernel kernel,
        List<User> users,
        List<Group> groups,
        List<FileEntry> files,
        Services services,
        String hostname,
        String locale,
        String timezone,
        Image image,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Map<String, Object>> plugins,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Hook> hooks) {

    public static final List<String> ARCHITECTURES = List.of("amd64", "arm64");

    private static final Pattern PLUGIN_ID = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern LOCALE = Pattern.compile(
            "C|POSIX|C\\.UTF-8|C\\.utf8|[a-z]{2,3}(_[A-Z]{2})?(\\.[A-Za-z0-9-]+)?(@[a-z]+)?");
    private static final Pattern TIMEZONE = Pattern.compile("UTC|[A-Z][A-Za-z_-]*(/[A-Za-z0-9_+-]+){1,2}");

    public Recipe {
        Checks.required(name, "name");
        Checks.matching(name, NAME, "name", "a valid recipe name",
                "use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit");
        if (base == null) {
            throw new InvalidRecipeValueException("base", "required key is missing", "add e.g. 'base: {suite: bookworm}'");
        }
        architectures = Checks.strings(architectures, "architectures");
        if (architectures.isEmpty()) {
            architectures = List.of("amd64");
        }
        for (int i = 0; i < architectures.size(); i++) {
            Checks.oneOf(architectures.get(i), ARCHITECTURES, "architectures[" + i + "]");
        }
        Checks.unique(architectures, "architectures", "architecture");
        packages = packages == null ? Packages.NONE : packages;
        kernel = kernel == null ? Kernel.DEFAULT : kernel;
        for (int i = 0; i < packages.remove().size(); i++) {
            String item = packages.remove().get(i);
            String bare = Packages.bareName(item);
            Kernel chosen = kernel;
            if (Packages.KEPT.contains(bare)
                    || architectures.stream().anyMatch(
                            arch -> Packages.bareName(chosen.packageFor(arch)).equals(bare))) {
                throw new InvalidRecipeValueException("packages.remove[" + i + "]",
                        Checks.quote(item) + " is what makes the image bootable",
                        "take it out of packages.remove: every image keeps its kernel and "
                                + String.join(", ", Packages.KEPT));
            }
        }
        users = Checks.records(users, "users");
        groups = Checks.records(groups, "groups");
        files = Checks.records(files, "files");
        unique(users.stream().map(User::name).toList(), "users", "name", "user");
        unique(groups.stream().map(Group::name).toList(), "groups", "name", "group");
        unique(files.stream().map(FileEntry::path).toList(), "files", "path", "file");
        hooks = Checks.records(hooks, "hooks");
        unique(hooks.stream().map(Hook::name).toList(), "hooks", "name", "hook");
        services = services == null ? Services.NONE : services;
        if (hostname == null) {
            if (!HOSTNAME.matcher(name).matches()) {
                throw new InvalidRecipeValueException("name", Checks.quote(name)
                        + " is not a valid host name, and hostname defaults to the name",
                        "set hostname to letters, digits and '-', in labels separated by '.'");
            }
            hostname = name;
        }
        Checks.matching(hostname, HOSTNAME, "hostname", "a valid host name",
                "use letters, digits and '-', in labels of at most 63 characters separated by '.'");
        locale = locale == null ? "C.UTF-8" : locale;
        Checks.matching(locale, LOCALE, "locale", "a locale name", "write e.g. C.UTF-8 or en_GB.UTF-8");
        timezone = timezone == null ? "Etc/UTC" : timezone;
        Checks.matching(timezone, TIMEZONE, "timezone", "a time zone name",
                "write UTC or an Area/City name from the tz database, e.g. Europe/Berlin");
        if (image == null || image.name() == null) {
            if (!Image.NAME.matcher(name).matches()) {
                throw new InvalidRecipeValueException("name", Checks.quote(name)
                        + " is not a valid OCI image name, and image.name defaults to the name",
                        "set image.name, or use a name whose separators ('.', '_', '-') sit between letters or digits");
            }
            image = new Image(name, image == null ? null : image.tag());
        }
        Map<String, Map<String, Object>> options = new TreeMap<>();
        if (plugins != null) {
            for (Map.Entry<String, Map<String, Object>> entry : plugins.entrySet()) {
                Checks.matching(entry.getKey(), PLUGIN_ID, "plugins." + entry.getKey(), "a plugin id",
                        "plugin ids are lower-case letters, digits and '-'; see 'debforge plugins'");
                options.put(entry.getKey(), entry.getValue() == null
                        ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(entry.getValue())));
            }
        }
        plugins = Collections.unmodifiableMap(options);
    }

    /** The options the recipe gives a plugin, empty when it names the plugin without options. */
    public Map<String, Object> pluginOptions(String pluginId) {
        return plugins.getOrDefault(pluginId, Map.of());
    }

    /**
     * The recipe as JSON with sorted keys and all defaults applied: two recipes that compose the
     * same image give the same text, however their YAML was written. Used in cache keys.
     */
    public String canonicalJson() {
        return RecipeJson.canonical(this);
    }

    private static void unique(List<String> names, String listPath, String key, String what) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            if (!seen.add(names.get(i))) {
                throw new InvalidRecipeValueException(listPath + "[" + i + "]." + key,
                        Checks.quote(names.get(i)) + " is listed twice", "list each " + what + " once");
            }
        }
    }
}
