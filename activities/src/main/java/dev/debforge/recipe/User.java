package dev.debforge.recipe;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A user account.
 *
 * <p>{@code root} may be listed to give root a password hash or SSH keys; its uid, if given,
 * must be 0. Any other user's uid, if given, must be within 1000..60000, the range Debian leaves
 * to local accounts.
 *
 * @param name     a POSIX user name (required)
 * @param groups   supplementary groups, default none
 * @param password a crypt(3) hash such as {@code $y$...} or {@code $6$...}; never plain text;
 *                 null leaves the password locked
 * @param sshKeys  OpenSSH public keys for {@code ~/.ssh/authorized_keys} (YAML key {@code ssh-keys})
 * @param shell    the login shell, default {@code /bin/bash}
 * @param uid      optional; null lets the system choose
 */
public record User(
        String name,
        List<String> groups,
        String password,
        @JsonProperty("ssh-keys") List<String> sshKeys,
        String shell,
        Integer uid) {

    private static final Pattern CRYPT_HASH = Pattern.compile("\\$[0-9a-z]+\\$[^:\\s]+");
    private static final Pattern SHELL = Pattern.compile("/[^\\s]*");

    public User {
        Checks.required(name, "name");
        Checks.matching(name, Group.POSIX_NAME, "name", "a valid user name",
                "use a-z, 0-9, '_' and '-', starting with a letter or '_', at most 32 characters");
        groups = Checks.strings(groups, "groups");
        Checks.each(groups, "groups", Group.POSIX_NAME, "a valid group name", null);
        Checks.unique(groups, "groups", "group");
        if (password != null && !CRYPT_HASH.matcher(password).matches()) {
            throw new InvalidRecipeValueException("password", "is not a crypt(3) hash",
                    "never put a plain-text password in a recipe; make a hash with "
                            + "`mkpasswd -m yescrypt` or `openssl passwd -6` and paste it here");
        }
        sshKeys = Checks.strings(sshKeys, "ssh-keys");
        for (int i = 0; i < sshKeys.size(); i++) {
            String problem = SshPublicKey.problem(sshKeys.get(i));
            if (problem != null) {
                throw new InvalidRecipeValueException("ssh-keys[" + i + "]", problem, SshPublicKey.HINT);
            }
        }
        shell = shell == null ? "/bin/bash" : shell;
        Checks.matching(shell, SHELL, "shell", "an absolute path", null);
        if (uid != null) {
            if ("root".equals(name) && uid != 0) {
                throw new InvalidRecipeValueException("uid", "root's uid must be 0", "leave uid out for root");
            }
            if (!"root".equals(name) && (uid < 1000 || uid > 60000)) {
                throw new InvalidRecipeValueException("uid", uid + " is outside 1000..60000",
                        "leave uid out to let the system choose one; only root has uid 0");
            }
        }
    }
}
