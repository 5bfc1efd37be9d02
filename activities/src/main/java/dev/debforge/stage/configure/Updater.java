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
 * the image needs {@link #PACKAGES}.
 *
 * <p>The compose plan puts the script's SHA-256 in the configure step's options, so a changed
 * script makes a new step rather than being hidden by a stored one.
 */
public final class Updater {

  /** Where the script goes in the image. */
  public static final String PATH = "usr/bin/debforge-update";

  /** The Debian packages the script runs with. */
  public static final List<String> PACKAGES = List.of("python3-gi", "gir1.2-ostree-1.0");

  private static final String RESOURCE = "debforge-update";

  private Updater() {}

  /** The script's text. */
  public static byte[] script() {
    try (InputStream in = Updater.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the updater script is missing from debforge's classes");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The script's SHA-256, hex: what the compose plan keys the configure step by. */
  public static String sha256() {
    return Sha256.hex(script());
  }

  /**
   * Writes the script into the root filesystem, mode 0755, replacing whatever the image had
   * there, after checking it is the one the plan was made with.
   */
  static void install(Path root, String expectedSha256) throws IOException {
    byte[] script = script();
    String actual = Sha256.hex(script);
    if (!actual.equals(expectedSha256)) {
      throw new IllegalStateException(
          "the plan was made with updater " + expectedSha256 + " but this worker has " + actual
              + "; run the same debforge version on every worker");
    }
    Path target = root.resolve(PATH);
    Files.createDirectories(target.getParent());
    Files.deleteIfExists(target);
    Files.write(target, script);
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("could not write " + target);
    }
  }
}
