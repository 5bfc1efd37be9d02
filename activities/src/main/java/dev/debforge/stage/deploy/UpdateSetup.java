package dev.debforge.stage.deploy;

import dev.debforge.plugin.BootMenu;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * What a deployment needs so that deployment changes made on the booted system reach the boot
 * menu: ostree runs debforge's menu script ({@link BootMenu#PATH}) when it is named by
 * {@code OSTREE_GRUB2_EXEC}, so that variable is set where ostree runs:
 *
 * <ul>
 *   <li>services, by drop-ins ({@link BootMenu#etcFiles}): one for {@code
 *       ostree-finalize-staged.service}, which writes a staged deployment at shutdown, one for the
 *       system manager's default environment (timers, {@code systemd-run});
 *   <li>login sessions, sudo and su, through {@code /etc/environment} (pam_env), for an {@code
 *       ostree admin deploy} run by hand.
 * </ul>
 *
 * <p>These are files of the deployment's {@code /etc}, written for this disk like its fstab; an
 * update carries them over, since ostree keeps local changes to /etc. /etc/environment becomes
 * such a change, so a later image's version of it is not taken (Debian's is empty).
 */
final class UpdateSetup {

  private UpdateSetup() {}

  static void write(Path deployRoot) throws IOException {
    Path etc = deployRoot.resolve("etc");
    for (Map.Entry<String, String> file : BootMenu.etcFiles().entrySet()) {
      Path path = etc.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
    }
    Path environment = etc.resolve("environment");
    String text = "";
    if (Files.isSymbolicLink(environment)) {
      // The link is the image's, to be read inside the deployment, not on the build host.
      Path target = Files.readSymbolicLink(environment);
      Path inside = (target.isAbsolute()
          ? deployRoot.resolve(target.toString().substring(1))
          : etc.resolve(target)).normalize();
      if (inside.startsWith(deployRoot) && Files.isRegularFile(inside)) {
        text = Files.readString(inside, StandardCharsets.UTF_8);
      }
    } else if (Files.exists(environment)) {
      text = Files.readString(environment, StandardCharsets.UTF_8);
    }
    if (!text.lines().anyMatch(line -> line.startsWith("OSTREE_GRUB2_EXEC="))) {
      String separator = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
      // A new file renamed into place: never write through a link into the repository.
      Path next = etc.resolve("environment.debforge-new");
      Files.writeString(next, text + separator + BootMenu.ENVIRONMENT + "\n",
          StandardCharsets.UTF_8);
      Files.move(next, environment, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
