package dev.debforge.iso;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The files the live system gets besides its packages: the graphical installer (Calamares'
 * settings, its modules' configurations, debforge's branding and its one job module, and the
 * unit and session that start it on the screen). They are resources under {@code live/} beside
 * this class, at their path in the live system; their digest is part of the live step's options,
 * so a changed file makes a new live system.
 */
final class LiveFiles {

  /** Each file's path in the live system; those under {@link #EXECUTABLE} are mode 755. */
  static final List<String> PATHS = List.of(
      "etc/calamares/settings.conf",
      "etc/calamares/modules/welcome.conf",
      "etc/calamares/modules/locale.conf",
      "etc/calamares/modules/keyboard.conf",
      "etc/calamares/modules/users.conf",
      "etc/calamares/modules/finished.conf",
      "etc/calamares/branding/debforge/branding.desc.in",
      "etc/calamares/branding/debforge/logo.svg",
      "etc/calamares/branding/debforge/welcome.svg",
      "etc/calamares/branding/debforge/slide.svg",
      "etc/systemd/system/debforge-calamares.service",
      "usr/lib/debforge/calamares-session",
      "usr/lib/debforge/calamares/debforgeinstall/module.desc",
      "usr/lib/debforge/calamares/debforgeinstall/main.py");

  static final List<String> EXECUTABLE = List.of("usr/lib/debforge/calamares-session");

  /** The unit that starts Calamares, enabled in the live system. */
  static final String CALAMARES_UNIT = "debforge-calamares.service";

  /** The sha256 over every file's path and bytes. */
  static final String SHA256 = digest();

  private LiveFiles() {}

  /** Writes the files under {@code root}, as they are to be in the live system. */
  static void writeTo(Path root) throws IOException {
    for (String path : PATHS) {
      Path file = root.resolve(path);
      Files.createDirectories(file.getParent());
      // mmdebstrap's sync-in copies the directories' modes too, the root's included.
      for (Path dir = file.getParent(); dir.startsWith(root); dir = dir.getParent()) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      Files.write(file, bytes(path));
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(
          EXECUTABLE.contains(path) ? "rwxr-xr-x" : "rw-r--r--"));
    }
  }

  static byte[] bytes(String path) {
    try (InputStream in = LiveFiles.class.getResourceAsStream("live/" + path)) {
      if (in == null) {
        throw new IllegalStateException("live/" + path + " is missing from the iso plugin's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String digest() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String path : PATHS) {
        sha.update(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(bytes(path));
        sha.update((byte) (EXECUTABLE.contains(path) ? 1 : 0));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
