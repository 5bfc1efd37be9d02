package dev.debforge.activity;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;
import java.util.Map;

/**
 * The last step of a multi-architecture compose: one image index made of each architecture's
 * image, published where the user asked. Runs on a worker that sees the images (for a file
 * destination, the directory beside it where each architecture's build put its image).
 */
@ActivityInterface
public interface IndexActivities {

  /**
   * Copies each architecture's image into one OCI layout, writes the image index of them, and
   * publishes it with every image to the request's destination. Removes the request's staging
   * directories once published.
   *
   * @return the facts {@code artifact}, {@code type}, {@code digest} (the index's),
   *     {@code platforms} and, for a file, {@code sha256} and {@code size}
   */
  @ActivityMethod(name = "PublishIndex")
  Map<String, String> publishIndex(IndexRequest request);

  /** Removes what the architectures' builds left beside a destination, when one failed. */
  @ActivityMethod(name = "DiscardStaging")
  void discard(List<String> directories);

  /**
   * What to make an index of.
   *
   * @param buildId the multi-architecture build, for its progress lines
   * @param destination where the index goes, in skopeo's syntax
   * @param tag the index's tag inside a layout or archive, when the destination names none
   * @param architectures the Debian architectures, in the index's order
   * @param images each architecture's image, in the same order, in skopeo's syntax
   * @param workDirectory the directory beside a file destination that holds the architectures'
   *     images and takes the merged layout; null to use a temporary directory
   * @param staging directories to remove once the index is published
   */
  record IndexRequest(
      String buildId,
      String destination,
      boolean tlsVerify,
      String tag,
      List<String> architectures,
      List<String> images,
      String workDirectory,
      List<String> staging) {
    public IndexRequest {
      architectures = List.copyOf(architectures);
      images = List.copyOf(images);
      staging = staging == null ? List.of() : List.copyOf(staging);
    }
  }
}
