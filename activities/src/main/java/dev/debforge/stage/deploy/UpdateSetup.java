package dev.debforge.stage.deploy;

import dev.debforge.plugin.BootMenu;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What a deployment needs so that deployment changes made on the booted system reach the boot
 * menu: ostree runs debforge's menu script ({@link BootMenu#PATH}) when it is named by
 * {@code OSTREE_GRUB2_EXEC}, so that variable is set where ostree runs:
 *
 * <ul>
 *   <li>{@code ostree-finalize-staged.service}, which writes a staged deployment at shutdown, by a
 *       drop-in ({@value #DROP_IN});
 *   <li>login sessions, through {@code /etc/environment} (pam_env), for an {@code ostree admin
 *       deploy} run by hand.
 * </ul>
 *
 * <p>These are files of the deployment's {@code /etc}, written for this disk like its fstab; an
 * update carries them over, since ostree keeps local changes to /etc.
 */
final class UpdateSetup {

  static final String DROP_IN = BootMenu.FINALIZE_DROP_IN.substring("/etc/".length());
  static final String VARIABLE = BootMenu.ENVIRONMENT;

  private UpdateSetup() {}

  static void write(Path deployRoot) throws IOException {
    Path etc = deployRoot.resolve("etc");
    Path dropIn = etc.resolve(DROP_IN);
    Files.createDirectories(dropIn.getParent());
    Files.writeString(dropIn, BootMenu.finalizeDropIn(), StandardCharsets.UTF_8);
    Path environment = etc.resolve("environment");
    String text = "";
    if (Files.isSymbolicLink(environment)) {
      // A link would be read on the build host, not in the image: this disk's file replaces it.
      Files.delete(environment);
    } else if (Files.exists(environment)) {
      text = Files.readString(environment, StandardCharsets.UTF_8);
    }
    if (!text.lines().anyMatch(line -> line.startsWith("OSTREE_GRUB2_EXEC="))) {
      String separator = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
      // A new file renamed into place: never write through a link into the repository.
      Path next = etc.resolve("environment.debforge-new");
      Files.writeString(next, text + separator + VARIABLE + "\n", StandardCharsets.UTF_8);
      Files.move(next, environment, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
