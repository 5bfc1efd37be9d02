package dev.debforge.config;

import java.util.List;

/**
 * What a {@code --config} file asks of the disks; see docs/config.md and {@link ConfigParser}.
 *
 * @param users users created in the deployment, with their SSH keys
 * @param kernelAppend kernel arguments added to the image's, in order
 * @param rootMinSizeBytes the smallest root file system ({@code filesystem} with mountpoint
 *     {@code /}), or null
 * @param diskSizeBytes the smallest disk ({@code disk.minsize}), or null
 * @param installer what an installer's unattended install is to do ({@code installer}), or null
 */
public record DiskConfig(
    List<ConfigUser> users, List<String> kernelAppend, Long rootMinSizeBytes, Long diskSizeBytes,
    InstallerConfig installer) {
  public DiskConfig {
    users = users == null ? List.of() : List.copyOf(users);
    kernelAppend = kernelAppend == null ? List.of() : List.copyOf(kernelAppend);
  }
}
