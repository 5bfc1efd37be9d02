package dev.debforge.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes one multi-platform image of several single-platform ones in an OCI layout: an image
 * index (a manifest list) whose entries are their manifests, each with the platform its config
 * names, in the order given. The layout's {@code index.json} then lists that index alone, under
 * the tag; the images' blobs stay where they are.
 *
 * <p>The same images in the same order give the same index digest: the JSON is written
 * compactly with a fixed key order.
 */
public final class OciIndexWriter {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Files larger than this are not manifests or configs. */
  private static final long MAX_JSON = 4L << 20;

  /**
   * One image of the index.
   *
   * @param platform the platform its config names
   * @param digest its manifest's digest
   */
  public record Entry(OciPlatform platform, String digest, String mediaType, long size) {}

  /**
   * The written index.
   *
   * @param digest the index's digest, which names the multi-platform image
   * @param size its size in bytes
   * @param entries its images, in order
   */
  public record WrittenIndex(String digest, long size, List<Entry> entries) {
    public WrittenIndex {
      entries = List.copyOf(entries);
    }
  }

  /**
   * Writes the index of the images the layout's {@code index.json} tags {@code refs}.
   *
   * @param refs the tags of single-platform images in the layout, in the index's order
   * @param tag the tag of the index
   * @throws OciException when a ref is missing, names an index rather than one image, or two
   *     images have the same platform
   */
  public WrittenIndex write(Path layoutDir, List<String> refs, String tag)
      throws IOException, OciException {
    Path indexFile = layoutDir.resolve("index.json");
    JsonNode layoutIndex = read(indexFile);
    List<Entry> entries = new ArrayList<>();
    for (String ref : refs) {
      JsonNode descriptor = null;
      for (JsonNode entry : layoutIndex.path("manifests")) {
        if (ref.equals(entry.path("annotations").path(OciMediaTypes.REF_NAME_ANNOTATION)
            .asText(null))) {
          descriptor = entry;
        }
      }
      if (descriptor == null) {
        throw new OciException("no image is tagged " + ref, indexFile,
            "copy each platform's image into the layout under its own tag first");
      }
      String mediaType = descriptor.path("mediaType").asText();
      if (!OciMediaTypes.MANIFESTS.contains(mediaType)) {
        throw new OciException("the image tagged " + ref + " is a " + mediaType
            + ", not one platform's manifest", indexFile,
            "give single-platform images to the index");
      }
      String digest = descriptor.path("digest").asText();
      JsonNode manifest = read(Digest.parse(digest).blobPath(layoutDir));
      String configDigest = manifest.path("config").path("digest").asText();
      JsonNode config = read(Digest.parse(configDigest).blobPath(layoutDir));
      OciPlatform platform =
          new OciPlatform(
              config.path("os").asText("linux"),
              config.path("architecture").asText(),
              config.path("variant").asText(null));
      if (platform.architecture().isEmpty()) {
        throw new OciException("the image tagged " + ref + " names no architecture in its config",
            indexFile, "build the image again");
      }
      for (Entry other : entries) {
        if (other.platform().equals(platform)) {
          throw new OciException("two images are for " + describe(platform), indexFile,
              "give one image per platform");
        }
      }
      entries.add(new Entry(platform, digest, mediaType, descriptor.path("size").asLong()));
    }

    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", OciMediaTypes.IMAGE_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    for (Entry entry : entries) {
      ObjectNode item = manifests.addObject();
      item.put("mediaType", entry.mediaType());
      item.put("digest", entry.digest());
      item.put("size", entry.size());
      ObjectNode platform = item.putObject("platform");
      platform.put("architecture", entry.platform().architecture());
      platform.put("os", entry.platform().os());
      if (entry.platform().variant() != null) {
        platform.put("variant", entry.platform().variant());
      }
    }
    byte[] indexJson = JSON.writeValueAsBytes(index);
    String indexDigest =
        OciImageWriter.writeBlob(layoutDir.resolve("blobs").resolve("sha256"), indexJson);

    ObjectNode top = JSON.createObjectNode();
    top.put("schemaVersion", 2);
    top.put("mediaType", OciMediaTypes.IMAGE_INDEX);
    ObjectNode only = top.putArray("manifests").addObject();
    only.put("mediaType", OciMediaTypes.IMAGE_INDEX);
    only.put("digest", indexDigest);
    only.put("size", indexJson.length);
    only.putObject("annotations").put(OciMediaTypes.REF_NAME_ANNOTATION, tag);
    OciImageWriter.writeSmallFile(indexFile, JSON.writeValueAsBytes(top));
    return new WrittenIndex(indexDigest, indexJson.length, entries);
  }

  /** {@code linux/arm64/v8}, as docker names platforms. */
  public static String describe(OciPlatform platform) {
    return platform.os() + "/" + platform.architecture()
        + (platform.variant() == null ? "" : "/" + platform.variant());
  }

  private static JsonNode read(Path file) throws IOException, OciException {
    if (!Files.isRegularFile(file)) {
      throw new OciException("missing", file, "the layout is incomplete: copy the images again");
    }
    if (Files.size(file) > MAX_JSON) {
      throw new OciException("larger than " + MAX_JSON + " bytes", file,
          "this is not a manifest, index or config");
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new OciException("not JSON: " + e.getMessage(), file,
          "the layout is broken: copy the images again", e);
    }
  }
}
