package dev.debforge.stage.configure;

import dev.debforge.plugin.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The image's own users and groups, read from its {@code /etc/passwd} and {@code /etc/group}, so
 * that names are never resolved through the build host's.
 */
public final class Accounts {

  public record Entry(String name, int uid, int gid, String home) {}

  private final Map<String, Entry> users;
  private final Map<String, Integer> groups;

  private Accounts(Map<String, Entry> users, Map<String, Integer> groups) {
    this.users = users;
    this.groups = groups;
  }

  public static Accounts read(Path root) throws IOException {
    Map<String, Entry> users = new HashMap<>();
    for (String line : lines(root.resolve("etc/passwd"))) {
      String[] f = line.split(":", -1);
      if (f.length >= 6) {
        users.put(f[0], new Entry(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[5]));
      }
    }
    Map<String, Integer> groups = new HashMap<>();
    for (String line : lines(root.resolve("etc/group"))) {
      String[] f = line.split(":", -1);
      if (f.length >= 3) {
        groups.put(f[0], Integer.parseInt(f[2]));
      }
    }
    return new Accounts(users, groups);
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.isRegularFile(file) ? Files.readAllLines(file) : List.of();
  }

  public boolean hasUser(String name) {
    return users.containsKey(name);
  }

  public Optional<Entry> user(String name) {
    return Optional.ofNullable(users.get(name));
  }

  public boolean hasGroup(String name) {
    return groups.containsKey(name);
  }

  /** Resolves {@code user:group} (names or numbers) to {uid, gid}. */
  public int[] resolveOwner(String owner, String forPath) throws BadInputException {
    String[] parts = owner.split(":", 2);
    int uid = resolve(parts[0], true, forPath);
    int gid = parts.length > 1 ? resolve(parts[1], false, forPath) : users.get(parts[0]) != null
        ? users.get(parts[0]).gid() : uid;
    return new int[] {uid, gid};
  }

  private int resolve(String name, boolean user, String forPath) throws BadInputException {
    if (name.matches("\\d+")) {
      return Integer.parseInt(name);
    }
    Integer id = user ? (users.containsKey(name) ? users.get(name).uid() : null) : groups.get(name);
    if (id == null) {
      throw new BadInputException(
          "files: " + forPath + ": the image has no " + (user ? "user" : "group") + " '" + name
              + "'",
          "create it under " + (user ? "users" : "groups") + " in the recipe, or use a number");
    }
    return id;
  }
}
