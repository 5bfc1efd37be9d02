package dev.debforge.stage.configure;

import dev.debforge.stage.configure.ConfigureOptions.GroupSpec;
import dev.debforge.stage.configure.ConfigureOptions.UserSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines of the host's shadow tools, run against an image root with {@code --root}; the
 * deploy stage uses them too, for the users of a {@code --config} file.
 */
public final class ShadowTools {

  private ShadowTools() {}

  public static List<String> groupadd(Path root, GroupSpec group) {
    List<String> argv = new ArrayList<>(List.of("groupadd", "--root", root.toString(), "--force"));
    if (group.gid() != null) {
      argv.add("--gid");
      argv.add(group.gid().toString());
    }
    argv.add(group.name());
    return argv;
  }

  /** The commands that create (or, when it exists, change) a user. */
  public static List<List<String>> user(Path root, UserSpec user, boolean exists) {
    List<List<String>> commands = new ArrayList<>();
    List<String> argv = new ArrayList<>();
    argv.add(exists ? "usermod" : "useradd");
    argv.add("--root");
    argv.add(root.toString());
    if (!exists) {
      argv.add("--create-home");
      argv.add("--user-group");
    }
    if (user.shell() != null) {
      argv.add("--shell");
      argv.add(user.shell());
    }
    if (user.uid() != null) {
      argv.add("--uid");
      argv.add(user.uid().toString());
    }
    if (!user.groups().isEmpty()) {
      if (exists) {
        argv.add("--append");
      }
      argv.add("--groups");
      argv.add(String.join(",", user.groups()));
    }
    if (user.password() != null) {
      argv.add("--password");
      argv.add(user.password());
    }
    argv.add(user.name());
    if (exists && argv.size() == 4) {
      return commands;
    }
    commands.add(argv);
    return commands;
  }
}
