package dev.debforge.oci;

import java.time.Instant;

/**
 * One entry of an image config's history: how one layer (or a metadata-only step) was made.
 *
 * @param created when, or {@code null}
 * @param createdBy the command or stage that made it, or {@code null}
 * @param comment free text, or {@code null}
 * @param emptyLayer true when this step produced no layer
 */
public record HistoryEntry(Instant created, String createdBy, String comment, boolean emptyLayer) {

  public static HistoryEntry of(Instant created, String createdBy) {
    return new HistoryEntry(created, createdBy, null, false);
  }
}
