package dev.debforge.stage.deploy;

import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.plugin.ToolRunner;
import dev.debforge.stage.configure.Accounts;
import dev.debforge.stage.configure.ConfigureOptions.UserSpec;
import dev.debforge.stage.configure.RootPath;
import dev.debforge.stage.configure.ShadowTools;
import dev.debforge.stage.configure.SshKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Creates the {@code --config} file's users in a deployment, with the host's {@code useradd
 * --root}, which writes the deployment's {@code etc/passwd}, {@code etc/shadow} and {@code
 * etc/group} and makes the home under its {@code /home}.
 *
 * <p>The deployment's root directory is immutable, so {@code /home} must already be there; in an
 * ostree image it is a link to {@code var/home}, whose target is made first (useradd makes only
 * the last directory). The deploy stage seeds the stateroot's /var from the deployment's
 * afterwards, which carries the homes to where the booted system finds them.
 */
final class DeploymentUsers {

  static final Duration TIMEOUT = Duration.ofMinutes(2);

  private DeploymentUsers() {}

  static void create(ToolRunner tools, Path deployRoot, List<DeployOptions.User> users)
      throws IOException, BadInputException, ToolException {
    if (users.isEmpty()) {
      return;
    }
    prepareHomeParent(deployRoot);
    for (DeployOptions.User user : users) {
      Accounts accounts = Accounts.read(deployRoot);
      for (String group : user.groups()) {
        if (!accounts.hasGroup(group)) {
          throw new BadInputException(
              "--config: user " + user.name() + ": the image has no group '" + group + "'",
              "use a group of the image (Debian's administrators are in 'sudo'), or create it "
                  + "in the image");
        }
      }
      for (List<String> argv : commands(deployRoot, user, accounts.hasUser(user.name()))) {
        tools.run(ToolCall.of(argv, TIMEOUT));
      }
      SshKeys.write(deployRoot, user.name(), user.sshKeys());
    }
  }

  /** useradd (or usermod, for a user the image already has) with the config's settings. */
  static List<List<String>> commands(Path deployRoot, DeployOptions.User user, boolean exists) {
    return ShadowTools.user(
        deployRoot,
        new UserSpec(user.name(), user.groups(), user.passwordHash(), user.sshKeys(), null, null),
        exists);
  }

  /** Makes the directory the deployment's /home leads to, which ostree leaves out. */
  static void prepareHomeParent(Path deployRoot) throws IOException, BadInputException {
    Path home = deployRoot.resolve("home");
    if (!Files.exists(home, LinkOption.NOFOLLOW_LINKS)) {
      throw new BadInputException(
          "--config: the image has no /home, and the deployment's root directory is immutable",
          "make /home a link to var/home in the image, as bootc images do");
    }
    Path target = RootPath.follow(deployRoot, "/home");
    if (!target.startsWith(deployRoot)) {
      throw new IOException("the deployment's /home leads out of it: " + target);
    }
    Files.createDirectories(target);
  }
}
