package dev.debforge.recipe;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * systemd units to enable and disable. A bare name such as {@code ssh} means {@code ssh.service};
 * the lists hold the normalised names.
 *
 * @param enable  units to enable, default none
 * @param disable units to disable, default none
 */
public record Services(List<String> enable, List<String> disable) {

    public static final List<String> UNIT_TYPES =
            List.of("service", "socket", "timer", "path", "target", "mount", "automount", "swap");
    private static final Pattern UNIT = Pattern.compile(
            "[A-Za-z0-9:_.\\\\-]+(@[A-Za-z0-9:_.\\\\-]*)?(\\.(" + String.join("|", UNIT_TYPES) + "))?");

    /** No units to enable or disable. */
    public static final Services NONE = new Services(null, null);

    public Services {
        enable = normalise(Checks.strings(enable, "enable"), "enable");
        disable = normalise(Checks.strings(disable, "disable"), "disable");
        Checks.unique(enable, "enable", "unit");
        Checks.unique(disable, "disable", "unit");
        for (int i = 0; i < disable.size(); i++) {
            if (enable.contains(disable.get(i))) {
                throw new InvalidRecipeValueException("disable[" + i + "]",
                        Checks.quote(disable.get(i)) + " is also listed under enable", "keep it in one list");
            }
        }
    }

    private static List<String> normalise(List<String> units, String path) {
        List<String> names = new ArrayList<>(units.size());
        for (int i = 0; i < units.size(); i++) {
            String unit = units.get(i);
            Checks.matching(unit, UNIT, path + "[" + i + "]", "a systemd unit name",
                    "write e.g. ssh, ssh.service or fstrim.timer; unit types: " + String.join(", ", UNIT_TYPES));
            names.add(hasType(unit) ? unit : unit + ".service");
        }
        return List.copyOf(names);
    }

    private static boolean hasType(String unit) {
        return UNIT_TYPES.stream().anyMatch(type -> unit.endsWith("." + type));
    }
}
