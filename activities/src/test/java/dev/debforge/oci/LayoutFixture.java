package dev.debforge.oci;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Writes OCI layouts by hand, for layouts the writer would never produce. */
public final class LayoutFixture {

  /** A one-layer layout, untagged. */
  public static Path write(
      Path layout, Path tar, String mediaType, String diffId, UnaryOperator<byte[]> compress)
      throws Exception {
    return write(layout, List.of(tar), mediaType, List.of(diffId), compress);
  }

  /**
   * A layout of one image, untagged, whose layers are {@code tars} turned into blobs by {@code
   * compress} and listed with {@code mediaType}; the config lists {@code diffIds}.
   */
  public static Path write(
      Path layout,
      List<Path> tars,
      String mediaType,
      List<String> diffIds,
      UnaryOperator<byte[]> compress)
      throws Exception {
    return write(layout, tars, mediaType, diffIds, compress, Map.of());
  }

  /** The same, with labels in the image's config (names and values without JSON escapes). */
  public static Path write(
      Path layout,
      List<Path> tars,
      String mediaType,
      List<String> diffIds,
      UnaryOperator<byte[]> compress,
      Map<String, String> labels)
      throws Exception {
    Files.createDirectories(layout.resolve("blobs/sha256"));
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    List<String> layers = new ArrayList<>();
    for (Path tar : tars) {
      byte[] blob = compress.apply(Files.readAllBytes(tar));
      layers.add(
          "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + put(layout, blob)
              + "\",\"size\":" + blob.length + "}");
    }
    List<String> labelFields = new ArrayList<>();
    labels.forEach((name, value) -> labelFields.add("\"" + name + "\":\"" + value + "\""));
    String config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{"
            + (labels.isEmpty() ? "" : "\"Labels\":{" + String.join(",", labelFields) + "}")
            + "},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + String.join("\",\"", diffIds)
            + "\"]}}";
    byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
    String configDigest = put(layout, configBytes);
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"" + OciMediaTypes.IMAGE_MANIFEST + "\","
            + "\"config\":{\"mediaType\":\"" + OciMediaTypes.IMAGE_CONFIG + "\",\"digest\":\""
            + configDigest + "\",\"size\":" + configBytes.length + "},"
            + "\"layers\":[" + String.join(",", layers) + "]}";
    byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
    String manifestDigest = put(layout, manifestBytes);
    Files.writeString(
        layout.resolve("index.json"),
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + OciMediaTypes.IMAGE_MANIFEST
            + "\",\"digest\":\"" + manifestDigest + "\",\"size\":" + manifestBytes.length + "}]}");
    return layout;
  }

  /** The diff_id of a tar file. */
  public static String diffId(Path tar) throws Exception {
    return OciImageWriterTest.sha256(Files.readAllBytes(tar));
  }

  /** The blob the index's only entry names: the manifest. */
  public static Path manifestBlob(Path layout) throws Exception {
    return blobNamed(layout, "index.json", "\"digest\":\"");
  }

  /** The blob the manifest names as its config. */
  static Path configBlob(Path layout) throws Exception {
    String manifest = Files.readString(manifestBlob(layout));
    int config = manifest.indexOf("\"config\"");
    int start = manifest.indexOf("sha256:", config) + "sha256:".length();
    return layout.resolve("blobs/sha256").resolve(manifest.substring(start, start + 64));
  }

  private static Path blobNamed(Path layout, String file, String before) throws Exception {
    String text = Files.readString(layout.resolve(file));
    int start = text.indexOf(before + "sha256:") + before.length() + "sha256:".length();
    return layout.resolve("blobs/sha256").resolve(text.substring(start, start + 64));
  }

  private static String put(Path layout, byte[] content) throws Exception {
    String digest = OciImageWriterTest.sha256(content);
    Files.write(Digest.parse(digest).blobPath(layout), content);
    return digest;
  }

  private LayoutFixture() {}
}
