package dev.debforge.stage.configure;

import dev.debforge.store.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * {@code debforge-update}, the updater every composed image carries in {@code /usr/bin}: it
 * moves the booted system to a newer commit of its origin, switches the origin, rolls back and
 * shows the deployments (docs/updates.md). A Python 3 script on libostree's GObject bindings, so
 * the image needs {@link #PACKAGES}. Beside it, {@link #UNIT} runs {@code debforge-update
 * boot-complete} once a boot reaches boot-complete.target, which systemd's
 * {@code systemd-boot-check-no-failures.service} (enabled with it) and the image's health checks
 * guard: automatic rollback.
 *
 * <p>The compose plan puts the SHA-256 of both files in the configure step's options, so a
 * changed file makes a new step rather than being hidden by a stored one.
 */
public final class Updater {

  /** Where the script goes in the image. */
  public static final String PATH = "usr/bin/debforge-update";

  /**
   * The Debian packages the script runs with: libostree's bindings, and skopeo, which copies an
   * image when the machine updates from a registry or an image file.
   */
  public static final List<String> PACKAGES =
      List.of("python3-gi", "gir1.2-ostree-1.0", "skopeo");

  /** The unit that marks a boot good, and where it goes. */
  public static final String UNIT = "debforge-boot-complete.service";

  static final String UNIT_PATH = "usr/lib/systemd/system/" + UNIT;

  /** The units the configure step enables: the boot's mark and systemd's failed-unit check. */
  static final List<String> ENABLE = List.of(UNIT, "systemd-boot-check-no-failures.service");

  private static final String RESOURCE = "debforge-update";

  private Updater() {}

  /** The script's text. */
  public static byte[] script() {
    return resource(RESOURCE);
  }

  static byte[] unit() {
    return resource(UNIT);
  }

  private static byte[] resource(String name) {
    try (InputStream in = Updater.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from debforge's classes");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The SHA-256 of the script and the unit, hex: what the plan keys the configure step by. */
  public static String sha256() {
    byte[] script = script();
    byte[] unit = unit();
    byte[] both = new byte[script.length + unit.length];
    System.arraycopy(script, 0, both, 0, script.length);
    System.arraycopy(unit, 0, both, script.length, unit.length);
    return Sha256.hex(both);
  }

  /**
   * Writes the script (mode 0755) and the unit into the root filesystem, replacing whatever the
   * image had there, after checking they are the ones the plan was made with. The configure
   * step then enables {@link #ENABLE}.
   */
  static void install(Path root, String expectedSha256) throws IOException {
    String actual = sha256();
    if (!actual.equals(expectedSha256)) {
      throw new IllegalStateException(
          "the plan was made with updater " + expectedSha256 + " but this worker has " + actual
              + "; run the same debforge version on every worker");
    }
    write(root.resolve(PATH), script(), "rwxr-xr-x");
    write(root.resolve(UNIT_PATH), unit(), "rw-r--r--");
  }

  private static void write(Path target, byte[] content, String mode) throws IOException {
    Files.createDirectories(target.getParent());
    Files.deleteIfExists(target);
    Files.write(target, content);
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(mode));
    if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("could not write " + target);
    }
  }
}
