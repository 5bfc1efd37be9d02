package dev.debforge.iso;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the live system is made of, and so its store key: builds of different images with the
 * same suite, architecture, mirror and packages share one live system.
 *
 * @param suite the Debian suite
 * @param architecture the Debian architecture
 * @param mirror the mirror mmdebstrap installs from
 * @param packages every package installed besides the suite's required ones, sorted
 * @param files the sha256 of the files the live system gets besides its packages ({@link
 *     LiveFiles})
 */
public record LiveOptions(String suite, String architecture, String mirror,
    List<String> packages, String files) {

  /** What a live installer needs on every architecture. */
  static final List<String> BASE = List.of(
      "live-boot", "systemd-sysv", "udev", "kmod", "login", "passwd", "procps", "iproute2",
      "ostree", "fdisk", "dosfstools", "e2fsprogs", "xfsprogs", "btrfs-progs", "util-linux",
      "less", "grub2-common",
      // The graphical installer: Calamares in an X server of its own, no desktop. Its locale
      // and time zone pages read the lists of locales and tzdata.
      "calamares", "xserver-xorg-core", "xserver-xorg-input-libinput", "xinit",
      "fonts-dejavu-core", "locales", "tzdata");

  public LiveOptions {
    packages = List.copyOf(packages);
  }

  /** The live system for the {@code iso} stage's options on one architecture. */
  @SuppressWarnings("unchecked")
  static LiveOptions of(Map<String, Object> isoOptions, String architecture) {
    TreeSet<String> packages = new TreeSet<>(BASE);
    packages.addAll(archPackages(architecture));
    Object extra = isoOptions.getOrDefault("packages", List.of());
    if (extra instanceof List<?> list) {
      for (Object each : list) {
        packages.add(String.valueOf(each));
      }
    }
    return new LiveOptions(String.valueOf(isoOptions.get("suite")), architecture,
        String.valueOf(isoOptions.get("mirror")), new ArrayList<>(packages), LiveFiles.SHA256);
  }

  /** The kernel and the boot loaders' files the ISO and the installed system need. */
  static List<String> archPackages(String architecture) {
    return switch (architecture) {
      case "amd64" -> List.of("linux-image-amd64", "grub-pc-bin", "grub-efi-amd64-bin");
      case "arm64" -> List.of("linux-image-arm64", "grub-efi-arm64-bin");
      default -> throw new IllegalArgumentException(
          "the installer ISO is built for amd64 and arm64, not " + architecture);
    };
  }

  Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("suite", suite);
    map.put("architecture", architecture);
    map.put("mirror", mirror);
    map.put("packages", packages);
    map.put("files", files);
    return map;
  }
}
