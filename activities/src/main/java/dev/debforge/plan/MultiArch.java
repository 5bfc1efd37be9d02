package dev.debforge.plan;

import dev.debforge.disk.Architecture;
import dev.debforge.image.ImageReference;
import dev.debforge.image.ImageReference.Transport;
import dev.debforge.plugin.BadInputException;
import java.nio.file.Path;

/**
 * Where the builds of a multi-architecture compose put their images before the index is made of
 * them: beside a file destination, in a directory {@code .NAME.multiarch-BUILD/ARCH} (removed
 * once the index is published); for a registry, under the destination's tag suffixed with the
 * architecture ({@code name:1.0-arm64}), as multi-architecture images are commonly pushed.
 *
 * <p>Pure functions of their arguments: the workflow calls them.
 */
public final class MultiArch {

  private MultiArch() {}

  /**
   * The directory beside a file destination that holds the architectures' images, or null for a
   * registry.
   *
   * @throws BadInputException for a destination that cannot hold an image index
   */
  public static String workDirectory(String destination, String buildId)
      throws BadInputException {
    ImageReference reference = checked(destination);
    if (!reference.transport().local()) {
      return null;
    }
    Path target = reference.path();
    Path parent = target.getParent() == null ? Path.of("/") : target.getParent();
    return parent.resolve("." + target.getFileName() + ".multiarch-" + buildId).toString();
  }

  /** Where the build of one architecture publishes its image. */
  public static String imageOf(String destination, String workDirectory, String architecture)
      throws BadInputException {
    ImageReference reference = checked(destination);
    if (reference.transport().local()) {
      return new ImageReference(
              Transport.OCI, Path.of(workDirectory).resolve(architecture).toString(), architecture)
          .toString();
    }
    String location = reference.location();
    int slash = location.lastIndexOf('/');
    int colon = location.lastIndexOf(':');
    String repository = colon > slash ? location.substring(0, colon) : location;
    String tag = colon > slash ? location.substring(colon + 1) : "latest";
    return "docker://" + repository + ":" + tag + "-" + architecture;
  }

  /** The build id of a multi-architecture build's child for one architecture. */
  public static String childId(String buildId, String architecture) {
    return buildId + "-" + architecture;
  }

  /**
   * The architecture of a multi-architecture build's child, read from its id ({@link
   * #childId}); null for any other build (their ids end in a random hex suffix).
   */
  public static String architectureOfChild(String buildId) {
    for (Architecture arch : Architecture.values()) {
      if (buildId.endsWith("-" + arch.debianName())) {
        return arch.debianName();
      }
    }
    return null;
  }

  /** Where the build of one architecture puts its disks: {@code DIR/ARCH}. */
  public static String disksOf(String directory, String architecture) {
    return Path.of(directory).resolve(architecture).toString();
  }

  /**
   * The destination of an image index, checked: {@code oci:}, {@code oci-archive:} or a registry
   * tag.
   *
   * @throws BadInputException for a transport that holds one image, or a registry digest
   */
  public static ImageReference checked(String destination) throws BadInputException {
    ImageReference reference = ImageReference.parse(destination);
    switch (reference.transport()) {
      case OCI, OCI_ARCHIVE -> {
        return reference;
      }
      case DOCKER -> {
        if (reference.location().contains("@")) {
          throw new BadInputException(
              "a multi-architecture image cannot be pushed to a digest (" + destination + ")",
              "give a tag: docker://REGISTRY/NAME:TAG");
        }
        return reference;
      }
      default ->
          throw new BadInputException(
              reference.transport().prefix() + ": holds one image, not a multi-architecture"
                  + " one",
              "write to oci:DIR, oci-archive:FILE or docker://REGISTRY/NAME:TAG, or build one"
                  + " architecture with --arch");
    }
  }
}
