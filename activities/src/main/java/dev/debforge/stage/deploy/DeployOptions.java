package dev.debforge.stage.deploy;

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
 */
public record DeployOptions(
    String osName,
    List<String> kargs,
    String rootUuid,
    String bootUuid,
    String espUuid,
    String rootFsType) {

  public DeployOptions {
    kargs = kargs == null ? List.of() : List.copyOf(kargs);
  }
}
