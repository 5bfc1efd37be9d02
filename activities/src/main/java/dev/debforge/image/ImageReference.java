package dev.debforge.image;

import dev.debforge.plugin.BadInputException;
import java.nio.file.Path;
import java.util.List;

/**
 * An image location in skopeo's transport syntax: {@code oci:DIR[:REF]},
 * {@code oci-archive:FILE[:REF]}, {@code docker-archive:FILE[:NAME:TAG]},
 * {@code containers-storage:REF} or {@code docker://REF}.
 *
 * @param transport the transport name
 * @param location the directory, file or registry reference
 * @param reference the tag or name inside a layout or archive, or null
 */
public record ImageReference(Transport transport, String location, String reference) {

  /** The transports debforge reads and writes. */
  public enum Transport {
    OCI("oci"),
    OCI_ARCHIVE("oci-archive"),
    DOCKER_ARCHIVE("docker-archive"),
    CONTAINERS_STORAGE("containers-storage"),
    DOCKER("docker");

    private final String prefix;

    Transport(String prefix) {
      this.prefix = prefix;
    }

    public String prefix() {
      return prefix;
    }

    /** Whether the location is a path on this host. */
    public boolean local() {
      return this == OCI || this == OCI_ARCHIVE || this == DOCKER_ARCHIVE;
    }
  }

  private static final List<String> NAMES =
      List.of("oci:", "oci-archive:", "docker-archive:", "containers-storage:", "docker://");

  public static ImageReference parse(String text) throws BadInputException {
    for (Transport transport : Transport.values()) {
      String prefix = transport == Transport.DOCKER ? "docker://" : transport.prefix() + ":";
      if (!text.startsWith(prefix)) {
        continue;
      }
      String rest = text.substring(prefix.length());
      if (rest.isEmpty()) {
        throw new BadInputException(
            "image '" + text + "' names no location", "write " + prefix + "PATH-OR-NAME");
      }
      if (!transport.local()) {
        return new ImageReference(transport, rest, null);
      }
      int colon = rest.indexOf(':');
      return colon < 0
          ? new ImageReference(transport, rest, null)
          : new ImageReference(
              transport, rest.substring(0, colon), emptyToNull(rest.substring(colon + 1)));
    }
    throw new BadInputException(
        "image '" + text + "' has no transport",
        "start it with one of " + String.join(", ", NAMES) + " (as skopeo does)");
  }

  private static String emptyToNull(String text) {
    return text.isEmpty() ? null : text;
  }

  /** The local path of a layout or archive. */
  public Path path() {
    if (!transport.local()) {
      throw new IllegalStateException(this + " is not a local path");
    }
    return Path.of(location);
  }

  /** This reference with its path made absolute (the worker may run elsewhere). */
  public ImageReference absolute() {
    return transport.local()
        ? new ImageReference(transport, path().toAbsolutePath().normalize().toString(), reference)
        : this;
  }

  /** The same location with another inner reference. */
  public ImageReference withReference(String ref) {
    return new ImageReference(transport, location, ref);
  }

  /** The reference as skopeo takes it. */
  @Override
  public String toString() {
    String prefix = transport == Transport.DOCKER ? "docker://" : transport.prefix() + ":";
    return prefix + location + (reference == null ? "" : ":" + reference);
  }
}
