package dev.debforge.stage.configure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A user's {@code ~/.ssh/authorized_keys} in an image root. */
public final class SshKeys {

  private SshKeys() {}

  /**
   * Writes the keys, replacing the file, with {@code .ssh} 0700 and the file 0600, both owned by
   * the user as the image's own {@code /etc/passwd} names it (never the build host's). The home
   * is found through the image's links, so that {@code /home → var/home} stays inside the root.
   */
  public static void write(Path root, String user, List<String> keys) throws IOException {
    if (keys.isEmpty()) {
      return;
    }
    Accounts.Entry entry =
        Accounts.read(root)
            .user(user)
            .orElseThrow(() -> new IOException("the image has no user " + user + " after useradd"));
    Path home = RootPath.follow(root, entry.home());
    if (!home.startsWith(root)) {
      throw new IOException("the home of " + user + " leads out of the image root: " + home);
    }
    Path ssh = home.resolve(".ssh");
    Files.createDirectories(ssh);
    Path file = ssh.resolve("authorized_keys");
    Files.deleteIfExists(file);
    Files.writeString(file, String.join("\n", keys) + "\n", StandardCharsets.UTF_8);
    Ownership.apply(ssh, entry.uid(), entry.gid(), 0700);
    Ownership.apply(file, entry.uid(), entry.gid(), 0600);
  }
}
