package dev.debforge.boot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One Boot Loader Specification (type #1) entry, as ostree writes it to
 * {@code /boot/loader/entries/ostree-N-OS.conf}. Paths are relative to the file system that
 * holds {@code /boot}.
 *
 * @param title the menu title
 * @param version the entry's version; ostree numbers its entries so the newest is the highest
 * @param options the kernel command line, verbatim
 * @param linux the kernel path
 * @param initrd the initrd paths, in order (an entry may have several)
 */
public record BlsEntry(
    String title, String version, String options, String linux, List<String> initrd) {

  public BlsEntry {
    Objects.requireNonNull(linux, "linux");
    title = title == null ? "" : title;
    version = version == null ? "" : version;
    options = options == null ? "" : options;
    initrd = List.copyOf(initrd);
  }

  /**
   * Parses an entry. Keys are separated from values by the first run of blanks; unknown keys
   * (such as {@code machine-id}) and comments are ignored.
   *
   * @param name the file name, for messages
   * @throws IllegalArgumentException when the entry has no {@code linux} line
   */
  public static BlsEntry parse(String text, String name) {
    String title = null;
    String version = null;
    String options = null;
    String linux = null;
    List<String> initrd = new ArrayList<>();
    for (String raw : text.split("\r?\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int gap = indexOfBlank(line);
      String key = gap < 0 ? line : line.substring(0, gap);
      String value = gap < 0 ? "" : line.substring(gap).strip();
      switch (key) {
        case "title" -> title = value;
        case "version" -> version = value;
        // The spec allows options to be split over several lines; they are joined.
        case "options" -> options = options == null ? value : options + " " + value;
        case "linux" -> linux = value;
        case "initrd" -> {
          for (String path : value.split("\\s+")) {
            if (!path.isEmpty()) {
              initrd.add(path);
            }
          }
        }
        default -> {
          // Other keys do not change how GRUB boots the entry.
        }
      }
    }
    if (linux == null || linux.isEmpty()) {
      throw new IllegalArgumentException(
          "the boot loader entry " + name + " has no 'linux' line\n"
              + "Hint: check what ostree admin deploy wrote to boot/loader/entries");
    }
    return new BlsEntry(title, version, options, linux, initrd);
  }

  /** Orders entries newest first: by version, highest first, comparing digit runs as numbers. */
  public static Comparator<BlsEntry> newestFirst() {
    return (a, b) -> compareVersions(b.version(), a.version());
  }

  /** Compares versions so that {@code 10 > 9} and {@code 1.10 > 1.9}. */
  static int compareVersions(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int ei = i;
        int ej = j;
        while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
          ei++;
        }
        while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
          ej++;
        }
        String na = a.substring(i, ei).replaceFirst("^0+(?=.)", "");
        String nb = b.substring(j, ej).replaceFirst("^0+(?=.)", "");
        int byLength = Integer.compare(na.length(), nb.length());
        if (byLength != 0) {
          return byLength;
        }
        int byDigits = na.compareTo(nb);
        if (byDigits != 0) {
          return byDigits;
        }
        i = ei;
        j = ej;
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static int indexOfBlank(String line) {
    for (int k = 0; k < line.length(); k++) {
      if (line.charAt(k) == ' ' || line.charAt(k) == '\t') {
        return k;
      }
    }
    return -1;
  }
}
