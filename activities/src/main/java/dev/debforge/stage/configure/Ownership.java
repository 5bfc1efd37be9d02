package dev.debforge.stage.configure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Numeric owner and mode, set without consulting the host's user database. */
final class Ownership {

  private Ownership() {}

  static void apply(Path path, int uid, int gid, int mode) throws IOException {
    Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:mode", mode);
  }
}
