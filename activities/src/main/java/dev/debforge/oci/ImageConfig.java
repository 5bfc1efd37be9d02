package dev.debforge.oci;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What {@link OciImageWriter} puts into an image besides its layers.
 *
 * @param debianArchitecture {@code amd64}, {@code arm64}, … (mapped with {@link
 *     OciPlatform#fromDebian})
 * @param created the image's creation time; derive it from {@code SOURCE_DATE_EPOCH} when that
 *     is set, so that rebuilds give the same digests
 * @param labels the config's labels, e.g. {@code containers.bootc=1}; written sorted by key
 * @param env {@code NAME=value} entries, in order
 * @param cmd the default command, or empty for none: bootc images boot systemd from the kernel
 *     and need no command, so debforge writes none unless the recipe asks
 * @param history one entry per layer (plus any {@link HistoryEntry#emptyLayer()} entries), or
 *     empty to write no history
 * @param refName the tag written as {@code org.opencontainers.image.ref.name} in index.json, or
 *     {@code null} for an untagged manifest
 */
public record ImageConfig(
    String debianArchitecture,
    Instant created,
    Map<String, String> labels,
    List<String> env,
    List<String> cmd,
    List<HistoryEntry> history,
    String refName) {

  public ImageConfig {
    Objects.requireNonNull(debianArchitecture, "debianArchitecture");
    Objects.requireNonNull(created, "created");
    labels = labels == null ? Map.of() : Map.copyOf(new TreeMap<>(labels));
    env = env == null ? List.of() : List.copyOf(env);
    cmd = cmd == null ? List.of() : List.copyOf(cmd);
    history = history == null ? List.of() : List.copyOf(history);
  }

  /** The OCI platform of {@link #debianArchitecture()}. */
  public OciPlatform platform() {
    return OciPlatform.fromDebian(debianArchitecture);
  }
}
