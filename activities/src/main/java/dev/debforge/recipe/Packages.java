package dev.debforge.recipe;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Packages to install on top of the base, and packages to remove from it.
 *
 * <p>Each item is a Debian package name, optionally followed by {@code :arch} and/or
 * {@code =version}, as apt accepts them: {@code openssh-server}, {@code libc6:arm64},
 * {@code curl=7.88.1-10+deb12u5}.
 *
 * @param install packages to install, default none
 * @param remove  packages to remove, default none
 */
public record Packages(List<String> install, List<String> remove) {

    static final Pattern NAME = Pattern.compile(
            "[a-z0-9][a-z0-9+.-]+(:[a-z0-9][a-z0-9-]*)?(=[0-9A-Za-z][0-9A-Za-z.+~:_-]*)?");
    private static final String WHAT = "a Debian package name";
    private static final String HINT = "names use a-z, 0-9, '+', '-' and '.', at least two characters, "
            + "optionally followed by :ARCH or =VERSION";

    /**
     * What every image keeps besides its kernel, whatever the recipe removes: OSTree and its boot
     * integration, dracut, systemd as init, udev, kmod, and GRUB's module packages (the disk
     * build takes GRUB from the image).
     */
    public static final List<String> KEPT = List.of(
            "dracut", "grub-efi-amd64-bin", "grub-efi-arm64-bin", "grub-pc-bin", "kmod", "ostree",
            "ostree-boot", "systemd-sysv", "udev");

    /** No packages to install or remove. */
    public static final Packages NONE = new Packages(null, null);

    public Packages {
        install = Checks.strings(install, "install");
        remove = Checks.strings(remove, "remove");
        Checks.each(install, "install", NAME, WHAT, HINT);
        Checks.each(remove, "remove", NAME, WHAT, HINT);
        Checks.unique(install, "install", "package");
        Checks.unique(remove, "remove", "package");
        Set<String> installed = new HashSet<>();
        install.forEach(item -> installed.add(bareName(item)));
        for (int i = 0; i < remove.size(); i++) {
            if (installed.contains(bareName(remove.get(i)))) {
                throw new InvalidRecipeValueException("remove[" + i + "]",
                        Checks.quote(remove.get(i)) + " is also listed under install", "keep it in one list");
            }
        }
    }

    /** A package item's name, without its {@code :ARCH} and {@code =VERSION}. */
    public static String bareName(String item) {
        return item.split("[:=]", 2)[0];
    }
}
