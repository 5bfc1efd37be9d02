package dev.debforge.stage.deploy;

import dev.debforge.boot.BlsEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the boot loader entry that {@code ostree admin deploy} wrote: there is exactly one, its
 * kernel and initramfs exist on /boot, and its command line carries the {@code ostree=} argument
 * that the initramfs pivots on.
 */
final class BootEntries {

  /** {@code boot/loader} is a link to {@code loader.0} or {@code loader.1}, swapped per deploy. */
  static final String ENTRIES = "boot/loader/entries";

  private static final Pattern BOOT_DIR = Pattern.compile("^/ostree/(.+)-([0-9a-f]{64})/[^/]+$");

  /**
   * The checked entry.
   *
   * @param path the entry's path relative to the sysroot, through {@code boot/loader}
   * @param entry what it says
   * @param bootcsum the checksum of kernel plus initramfs that names its boot directory
   */
  record Checked(String path, BlsEntry entry, String bootcsum) {}

  private BootEntries() {}

  /** Checks the only entry of the sysroot and returns it; fails naming what is wrong. */
  static Checked check(Path sysroot) throws IOException {
    Path dir = sysroot.resolve(ENTRIES);
    List<Path> entries = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.conf")) {
        files.forEach(entries::add);
      }
    }
    if (entries.size() != 1) {
      throw new IOException(
          "ostree admin deploy left " + entries.size() + " boot loader entries in " + dir
              + " where one was expected: " + entries);
    }
    Path file = entries.get(0);
    String name = ENTRIES + "/" + file.getFileName();
    BlsEntry entry = BlsEntry.parse(Files.readString(file, StandardCharsets.UTF_8), name);
    List<String> bootFiles = new ArrayList<>();
    bootFiles.add(entry.linux());
    bootFiles.addAll(entry.initrd());
    if (entry.initrd().isEmpty()) {
      throw new IOException("the boot loader entry " + name + " has no initrd line");
    }
    for (String bootFile : bootFiles) {
      Path onBoot = sysroot.resolve("boot").resolve(bootFile.replaceFirst("^/+", ""));
      if (!Files.isRegularFile(onBoot)) {
        throw new IOException(
            "the boot loader entry " + name + " names " + bootFile + ", which is not in "
                + sysroot.resolve("boot"));
      }
    }
    if (!List.of(entry.options().split("\\s+")).stream().anyMatch(a -> a.startsWith("ostree="))) {
      throw new IOException(
          "the boot loader entry " + name + " has no ostree= argument: " + entry.options());
    }
    Matcher boot = BOOT_DIR.matcher(entry.linux());
    if (!boot.matches()) {
      throw new IOException(
          "the boot loader entry " + name + " has its kernel at " + entry.linux()
              + ", not in /ostree/OS-BOOTCSUM/");
    }
    return new Checked(name, entry, boot.group(2));
  }
}
