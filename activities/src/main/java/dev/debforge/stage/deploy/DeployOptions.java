package dev.debforge.stage.deploy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Options of the {@code deploy} stage. The UUIDs are chosen by the plan before any file system
 * exists, because the kernel command line and {@code /etc/fstab} name them.
 *
 * @param osName the stateroot, e.g. {@code debian}, or null for the image's os-release ID (the
 *     {@code os} fact of the {@code tree} input)
 * @param kargs kernel arguments from the build's configuration; the stage adds the image's
 *     kargs.d (the {@code kargs} fact of the {@code tree} input), {@code root=UUID=… rw} and,
 *     when nothing names a console, the serial console ({@link KernelArgs})
 * @param rootUuid the root file system's UUID
 * @param bootUuid the /boot file system's UUID
 * @param espUuid the ESP's FAT volume id as fstab writes it, {@code XXXX-XXXX}
 * @param rootFsType the root file system: {@code ext4}, {@code xfs} or {@code btrfs}
 * @param users users created in the deployment (from {@code --config}); left out of the options'
 *     JSON when empty, so that plans without users keep their keys
 */
public record DeployOptions(
    String osName,
    List<String> kargs,
    String rootUuid,
    String bootUuid,
    String espUuid,
    String rootFsType,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<User> users) {

  public DeployOptions {
    kargs = kargs == null ? List.of() : List.copyOf(kargs);
    users = users == null ? List.of() : List.copyOf(users);
  }

  public DeployOptions(
      String osName,
      List<String> kargs,
      String rootUuid,
      String bootUuid,
      String espUuid,
      String rootFsType) {
    this(osName, kargs, rootUuid, bootUuid, espUuid, rootFsType, List.of());
  }

  /**
   * A user of the deployment.
   *
   * @param name the login name
   * @param passwordHash a crypt(3) hash, or null for none (the account is then locked for
   *     password logins)
   * @param sshKeys lines of {@code ~/.ssh/authorized_keys}
   * @param groups supplementary groups the image has
   */
  public record User(String name, String passwordHash, List<String> sshKeys, List<String> groups) {
    public User {
      sshKeys = sshKeys == null ? List.of() : List.copyOf(sshKeys);
      groups = groups == null ? List.of() : List.copyOf(groups);
    }
  }
}
