package dev.debforge.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.debforge.config.ConfigUser;
import dev.debforge.config.DiskConfig;
import dev.debforge.config.InstallerConfig;
import dev.debforge.stage.deploy.DeployOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user asked for, as the workflow receives it. Paths are on the worker's host.
 *
 * @param kind {@code compose}, {@code build} or {@code run}
 * @param recipePath the recipe file, for compose and run
 * @param recipeText the recipe's text as read by the client, so the plan sees what was validated
 * @param image the source image in skopeo's transport syntax, for build
 * @param destination where the result goes: {@code oci-archive:FILE}, {@code oci:DIR}, a directory
 *     for disks, …
 * @param types disk image types for build and run
 * @param architecture the architecture to build, or null for the recipe's first / the host's
 * @param sourceDateEpoch seconds since the epoch used for timestamps, or null
 * @param tlsVerify whether registries must present valid TLS certificates
 * @param rootFsType the disks' root file system, or null for ext4
 * @param diskSizeBytes the disk size, or null for the default
 * @param kernelArgs kernel arguments from the build's configuration, added to the image's
 * @param minRootBytes the smallest root file system the {@code --config} file asks for, or null
 * @param users users the {@code --config} file adds to the deployment; null or empty for none
 * @param verifyFirmwares the firmwares to boot the raw disk with in a {@code verify} step
 *     before it is converted; empty for none
 * @param plugins the plugins the build names (a recipe's {@code plugins:} keys): only a worker
 *     that has them takes the build
 * @param installer the {@code --config} file's installer settings, for an installer's stage, or
 *     null
 * @param origin the OSTree repository the disks' system updates from ({@code --origin}), or null
 * @param ostreeRepo the archive OSTree repository the composed commit is published to
 *     ({@code --ostree-repo}, an absolute path on the worker's host), for compose and run;
 *     null for none
 * @param ostreeGpgSign the GPG key the published commit and summary are signed with
 *     ({@code --ostree-gpg-sign}), or null for an unsigned repository
 * @param ostreeGpgHomedir gpg's home directory holding that key ({@code --ostree-gpg-homedir},
 *     an absolute path on the worker's host), or null for gpg's default one
 */
public record BuildRequest(
    String kind,
    String recipePath,
    String recipeText,
    String image,
    String destination,
    List<String> types,
    String architecture,
    Long sourceDateEpoch,
    boolean tlsVerify,
    String rootFsType,
    Long diskSizeBytes,
    List<String> kernelArgs,
    Long minRootBytes,
    List<ConfigUser> users,
    List<String> verifyFirmwares,
    List<String> plugins,
    InstallerConfig installer,
    @JsonInclude(JsonInclude.Include.NON_NULL) DeployOptions.Origin origin,
    @JsonInclude(JsonInclude.Include.NON_NULL) String ostreeRepo,
    @JsonInclude(JsonInclude.Include.NON_NULL) String ostreeGpgSign,
    @JsonInclude(JsonInclude.Include.NON_NULL) String ostreeGpgHomedir) {
  public BuildRequest {
    plugins = plugins == null ? List.of() : List.copyOf(plugins);
    types = types == null ? List.of() : List.copyOf(types);
    verifyFirmwares = verifyFirmwares == null ? List.of() : List.copyOf(verifyFirmwares);
    kernelArgs = kernelArgs == null ? List.of() : List.copyOf(kernelArgs);
    users = users == null ? List.of() : List.copyOf(users);
  }

  public static BuildRequest compose(
      String recipePath, String recipeText, String destination, String arch, Long epoch) {
    return new BuildRequest(
        "compose", recipePath, recipeText, null, destination, List.of(), arch, epoch, true, null,
        null, List.of(), null, List.of(), List.of(), List.of(), null, null, null, null, null);
  }

  /** Disks from an image. */
  public static BuildRequest build(
      String image, String directory, List<String> types, String arch, Long epoch) {
    return new BuildRequest(
        "build", null, null, image, directory, types, arch, epoch, true, null, null, List.of(),
        null, List.of(), List.of(), List.of(), null, null, null, null, null);
  }

  /** A recipe composed and made into disks in one workflow. */
  public static BuildRequest run(
      String recipePath, String recipeText, String directory, List<String> types, String arch,
      Long epoch) {
    return new BuildRequest(
        "run", recipePath, recipeText, null, directory, types, arch, epoch, true, null, null,
        List.of(), null, List.of(), List.of(), List.of(), null, null, null, null, null);
  }

  public BuildRequest withTlsVerify(boolean verify) {
    return new BuildRequest(
        kind, recipePath, recipeText, image, destination, types, architecture, sourceDateEpoch,
        verify, rootFsType, diskSizeBytes, kernelArgs, minRootBytes, users, verifyFirmwares,
        plugins, installer, origin, ostreeRepo, ostreeGpgSign, ostreeGpgHomedir);
  }

  /** The same request with the disks' root file system, size and configured kernel arguments. */
  public BuildRequest withDisks(String rootFs, Long sizeBytes, List<String> kargs) {
    return new BuildRequest(
        kind, recipePath, recipeText, image, destination, types, architecture, sourceDateEpoch,
        tlsVerify, rootFs, sizeBytes, kargs, minRootBytes, users, verifyFirmwares, plugins,
        installer, origin, ostreeRepo, ostreeGpgSign, ostreeGpgHomedir);
  }

  /** The same request with the raw disk booted with these firmwares before it is converted. */
  public BuildRequest withVerify(List<String> firmwares) {
    return new BuildRequest(
        kind, recipePath, recipeText, image, destination, types, architecture, sourceDateEpoch,
        tlsVerify, rootFsType, diskSizeBytes, kernelArgs, minRootBytes, users, firmwares,
        plugins, installer, origin, ostreeRepo, ostreeGpgSign, ostreeGpgHomedir);
  }

  /** The same request with the disks' system updating from this OSTree repository. */
  public BuildRequest withOrigin(DeployOptions.Origin updatesFrom) {
    return new BuildRequest(
        kind, recipePath, recipeText, image, destination, types, architecture, sourceDateEpoch,
        tlsVerify, rootFsType, diskSizeBytes, kernelArgs, minRootBytes, users, verifyFirmwares,
        plugins, installer, updatesFrom, ostreeRepo, ostreeGpgSign, ostreeGpgHomedir);
  }

  /** The same request with the composed commit published to this OSTree repository. */
  public BuildRequest withOstreeRepo(String repo) {
    return new BuildRequest(
        kind, recipePath, recipeText, image, destination, types, architecture, sourceDateEpoch,
        tlsVerify, rootFsType, diskSizeBytes, kernelArgs, minRootBytes, users, verifyFirmwares,
        plugins, installer, origin, repo, ostreeGpgSign, ostreeGpgHomedir);
  }

  /**
   * The same request with the published commit and summary signed with this GPG key, from
   * gpg's home directory {@code homedir} (null for gpg's default one).
   */
  public BuildRequest withOstreeGpgSign(String keyId, String homedir) {
    return new BuildRequest(
        kind, recipePath, recipeText, image, destination, types, architecture, sourceDateEpoch,
        tlsVerify, rootFsType, diskSizeBytes, kernelArgs, minRootBytes, users, verifyFirmwares,
        plugins, installer, origin, ostreeRepo, keyId, homedir);
  }

  /**
   * The build of one architecture of a multi-architecture request, writing to {@code
   * output}.
   */
  public BuildRequest forArchitecture(String arch, String output) {
    return new BuildRequest(
        kind, recipePath, recipeText, image, output, types, arch, sourceDateEpoch, tlsVerify,
        rootFsType, diskSizeBytes, kernelArgs, minRootBytes, users, verifyFirmwares, plugins,
        installer, origin, ostreeRepo, ostreeGpgSign, ostreeGpgHomedir);
  }

  /** The same request naming the plugins the build uses. */
  public BuildRequest withPlugins(List<String> pluginIds) {
    return new BuildRequest(
        kind, recipePath, recipeText, image, destination, types, architecture, sourceDateEpoch,
        tlsVerify, rootFsType, diskSizeBytes, kernelArgs, minRootBytes, users, verifyFirmwares,
        pluginIds, installer, origin, ostreeRepo, ostreeGpgSign, ostreeGpgHomedir);
  }

  /**
   * What the build needs of its worker: {@code plugin:ID} for each plugin it names and
   * {@code type:ID} for each output type.
   */
  public List<String> needs() {
    List<String> needs = new ArrayList<>();
    plugins.forEach(id -> needs.add("plugin:" + id));
    types.forEach(type -> needs.add("type:" + type.strip().toLowerCase(java.util.Locale.ROOT)));
    return needs;
  }

  /**
   * The same request with a {@code --config} file applied: its kernel arguments follow those
   * already given, the disk is at least its {@code disk.minsize} (a larger {@code --disk-size}
   * wins), its root minimum and users are carried to the partition and deploy steps, and its
   * installer settings (with the users) to an installer's stage.
   */
  public BuildRequest withConfig(DiskConfig config) {
    List<String> kargs = new ArrayList<>(kernelArgs);
    kargs.addAll(config.kernelAppend());
    Long size = diskSizeBytes;
    if (config.diskSizeBytes() != null) {
      size = size == null ? config.diskSizeBytes() : Math.max(size, config.diskSizeBytes());
    }
    return new BuildRequest(
        kind, recipePath, recipeText, image, destination, types, architecture, sourceDateEpoch,
        tlsVerify, rootFsType, size, kargs, config.rootMinSizeBytes(), config.users(),
        verifyFirmwares, plugins, config.installer(), origin, ostreeRepo, ostreeGpgSign,
        ostreeGpgHomedir);
  }
}
