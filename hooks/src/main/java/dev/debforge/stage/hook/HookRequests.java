package dev.debforge.stage.hook;

import java.util.List;

/**
 * What a hook asked for that the sandboxed child cannot do itself: the parent stage applies it
 * with the image's own tools once the script has finished, in this order: packages, groups,
 * users, owners, services, kernel arguments. Files, directories, modes and links the child
 * changes directly in the tree.
 *
 * @param install packages to install with the image's apt
 * @param remove packages to purge with the image's apt
 * @param groups groups to add
 * @param users users to add, each with the groups it joins
 * @param owners owners to set, applied after the users exist
 * @param enable systemd units to enable
 * @param disable systemd units to disable
 * @param kernelArgs kernel arguments for {@code /usr/lib/bootc/kargs.d/}
 */
public record HookRequests(
    List<String> install,
    List<String> remove,
    List<String> groups,
    List<UserRequest> users,
    List<OwnerRequest> owners,
    List<String> enable,
    List<String> disable,
    List<String> kernelArgs) {

  public HookRequests {
    install = copy(install);
    remove = copy(remove);
    groups = copy(groups);
    users = copy(users);
    owners = copy(owners);
    enable = copy(enable);
    disable = copy(disable);
    kernelArgs = copy(kernelArgs);
  }

  /** Nothing asked for. */
  public static final HookRequests NONE =
      new HookRequests(null, null, null, null, null, null, null, null);

  /** True when the hook asked for nothing the parent must apply. */
  public boolean isEmpty() {
    return install.isEmpty() && remove.isEmpty() && groups.isEmpty() && users.isEmpty()
        && owners.isEmpty() && enable.isEmpty() && disable.isEmpty() && kernelArgs.isEmpty();
  }

  /** A user to add; {@code groups} are supplementary groups that must exist. */
  public record UserRequest(String name, List<String> groups) {
    public UserRequest {
      groups = copy(groups);
    }
  }

  /** An owner ({@code user:group}, names or numbers) for an image path, not following links. */
  public record OwnerRequest(String path, String owner) {}

  private static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }
}
