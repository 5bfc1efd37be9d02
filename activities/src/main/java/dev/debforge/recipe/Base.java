package dev.debforge.recipe;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Debian system the image starts from, as mmdebstrap builds it.
 *
 * @param suite          bookworm, trixie or sid (required)
 * @param mirror         an http(s) or file URL of a Debian mirror; null uses the host's apt sources
 * @param snapshot       a snapshot.debian.org timestamp such as {@code 20240601T000000Z}; null for none
 * @param snapshotMirror where snapshots are served, default {@code https://snapshot.debian.org}
 * @param components     archive components, default {@code [main]}
 * @param variant        the mmdebstrap variant, default {@code minbase}
 */
public record Base(
        String suite,
        String mirror,
        String snapshot,
        @JsonProperty("snapshot-mirror") String snapshotMirror,
        List<String> components,
        String variant) {

    public static final List<String> SUITES = List.of("bookworm", "trixie", "sid");
    public static final List<String> COMPONENTS = List.of("main", "contrib", "non-free", "non-free-firmware");
    /** The mmdebstrap variants that give a system apt can extend, smallest first. */
    public static final List<String> VARIANTS =
            List.of("essential", "apt", "required", "minbase", "buildd", "important", "standard");
    public static final String DEFAULT_SNAPSHOT_MIRROR = "https://snapshot.debian.org";

    private static final Pattern URL = Pattern.compile("(https?|file)://[^\\s]+");
    private static final Pattern SNAPSHOT = Pattern.compile("\\d{8}T\\d{6}Z");
    private static final DateTimeFormatter SNAPSHOT_TIME =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withResolverStyle(ResolverStyle.STRICT);

    public Base {
        Checks.required(suite, "suite");
        Checks.oneOf(suite, SUITES, "suite");
        Checks.matching(mirror, URL, "mirror", "an http://, https:// or file:// URL", null);
        Checks.matching(snapshot, SNAPSHOT, "snapshot", "a snapshot timestamp",
                "write it as YYYYMMDDTHHMMSSZ, e.g. 20240601T000000Z");
        if (snapshot != null) {
            checkRealTime(snapshot);
        }
        if (mirror != null && snapshot != null) {
            throw new InvalidRecipeValueException("snapshot", "cannot be combined with mirror",
                    "a snapshot is served by snapshot-mirror; remove mirror, or remove snapshot");
        }
        snapshotMirror = snapshotMirror == null ? DEFAULT_SNAPSHOT_MIRROR : snapshotMirror;
        Checks.matching(snapshotMirror, URL, "snapshot-mirror", "an http://, https:// or file:// URL", null);
        components = Checks.strings(components, "components");
        if (components.isEmpty()) {
            components = List.of("main");
        }
        for (int i = 0; i < components.size(); i++) {
            Checks.oneOf(components.get(i), COMPONENTS, "components[" + i + "]");
        }
        Checks.unique(components, "components", "component");
        variant = variant == null ? "minbase" : variant;
        Checks.oneOf(variant, VARIANTS, "variant");
    }

    /** A timestamp of the right shape must also be a moment that exists: no 30 February. */
    private static void checkRealTime(String snapshot) {
        try {
            LocalDateTime.parse(snapshot, SNAPSHOT_TIME);
        } catch (DateTimeParseException e) {
            throw new InvalidRecipeValueException("snapshot",
                    Checks.quote(snapshot) + " is not a real date and time",
                    "write an existing UTC time as YYYYMMDDTHHMMSSZ, e.g. 20240601T000000Z");
        }
    }

    /**
     * The mirror to install from: {@code <snapshot-mirror>/archive/debian/<snapshot>/} when a
     * snapshot is set, else {@link #mirror()}; empty means the host's apt sources.
     */
    public Optional<String> effectiveMirror() {
        if (snapshot != null) {
            String root = snapshotMirror.endsWith("/")
                    ? snapshotMirror.substring(0, snapshotMirror.length() - 1) : snapshotMirror;
            return Optional.of(root + "/archive/debian/" + snapshot + "/");
        }
        return Optional.ofNullable(mirror);
    }
}
