package dev.debforge.config;

import java.util.List;

/**
 * A user the disk's deployment gets, from {@code customizations.user} of a {@code --config} file.
 *
 * @param name the login name
 * @param password a crypt(3) hash such as {@code $6$…} or {@code $y$…}, or null for no password
 * @param keys SSH public keys for {@code ~/.ssh/authorized_keys}, one per element
 * @param groups supplementary groups, which the image must have
 */
public record ConfigUser(String name, String password, List<String> keys, List<String> groups) {
  public ConfigUser {
    keys = keys == null ? List.of() : List.copyOf(keys);
    groups = groups == null ? List.of() : List.copyOf(groups);
  }
}
