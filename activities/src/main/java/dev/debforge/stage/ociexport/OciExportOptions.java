package dev.debforge.stage.ociexport;

import java.util.Map;

/**
 * Options of the {@code oci-export} stage.
 *
 * @param tag the tag of the image in its layout
 * @param labels labels besides the bootc ones the stage adds
 * @param created seconds since the epoch for the image's {@code created} time and the upper bound
 *     of file times (SOURCE_DATE_EPOCH), or null for the commit's time (its {@code timestamp}
 *     fact) and the tree's own file times
 */
public record OciExportOptions(String tag, Map<String, String> labels, Long created) {
  public OciExportOptions {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
