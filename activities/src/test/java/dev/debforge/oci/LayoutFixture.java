package dev.debforge.oci;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Writes a one-layer OCI layout by hand, for layouts the writer would never produce. */
final class LayoutFixture {

  static Path write(
      Path layout, Path tar, String mediaType, String diffId, UnaryOperator<byte[]> compress)
      throws Exception {
    Files.createDirectories(layout.resolve("blobs/sha256"));
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    byte[] blob = compress.apply(Files.readAllBytes(tar));
    String layerDigest = put(layout, blob);
    String config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}";
    byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
    String configDigest = put(layout, configBytes);
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"" + OciMediaTypes.IMAGE_MANIFEST + "\","
            + "\"config\":{\"mediaType\":\"" + OciMediaTypes.IMAGE_CONFIG + "\",\"digest\":\""
            + configDigest + "\",\"size\":" + configBytes.length + "},"
            + "\"layers\":[{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + layerDigest
            + "\",\"size\":" + blob.length + "}]}";
    byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
    String manifestDigest = put(layout, manifestBytes);
    Files.writeString(
        layout.resolve("index.json"),
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + OciMediaTypes.IMAGE_MANIFEST
            + "\",\"digest\":\"" + manifestDigest + "\",\"size\":" + manifestBytes.length + "}]}");
    return layout;
  }

  private static String put(Path layout, byte[] content) throws Exception {
    String digest = OciImageWriterTest.sha256(content);
    Files.write(Digest.parse(digest).blobPath(layout), content);
    return digest;
  }

  private LayoutFixture() {}
}
