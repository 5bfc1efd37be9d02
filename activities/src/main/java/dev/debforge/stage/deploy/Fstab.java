package dev.debforge.stage.deploy;

import java.util.Set;

/**
 * The {@code /etc/fstab} of one installed disk. It lives in the deployment, not the image,
 * because it names this disk's file system UUIDs.
 */
final class Fstab {

  static final Set<String> ROOT_TYPES = Set.of("ext4", "xfs", "btrfs");

  private Fstab() {}

  static String text(String rootUuid, String rootFsType, String bootUuid, String espUuid) {
    // fsck is run on ext4 only: fsck.xfs does nothing and btrfs is checked by its own tools.
    int rootPass = "ext4".equals(rootFsType) ? 1 : 0;
    return "# Written by debforge for this disk; the UUIDs are its file systems'.\n"
        + "UUID=" + rootUuid + " / " + rootFsType + " defaults 0 " + rootPass + "\n"
        + "UUID=" + bootUuid + " /boot ext4 defaults 0 2\n"
        + "UUID=" + espUuid + " /boot/efi vfat umask=0077,shortname=winnt 0 2\n";
  }
}
