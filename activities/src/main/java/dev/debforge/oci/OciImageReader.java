package dev.debforge.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads one image from an OCI image layout: {@code index.json} → manifest → config, with the
 * layers opened on demand through {@link #openLayer(int)}.
 *
 * <p>Choosing the manifest: with a ref, the index entries whose {@code
 * org.opencontainers.image.ref.name} annotation equals it; without one, the index's only entry.
 * When the choice is a nested image index (a multi-arch image) or several entries remain, the
 * entry whose platform matches the requested architecture is taken; with no architecture
 * requested there must be exactly one.
 *
 * <p>The manifest and config blobs are checked against their descriptors' digest and size when
 * read; layer blobs are checked while they are streamed (see {@link LayerStream}). Layer media
 * types read: OCI and Docker tar+gzip, plain tar, and OCI tar+zstd.
 */
public final class OciImageReader {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_JSON_BLOB = 16L << 20;
  private static final int MAX_INDEX_DEPTH = 4;

  private final Path layoutDir;
  private final OciDescriptor manifest;
  private final OciDescriptor config;
  private final String architecture;
  private final String variant;
  private final String os;
  private final Map<String, String> labels;
  private final List<OciDescriptor> layers;
  private final List<String> diffIds;
  /** Blobs whose content was checked against their digest as they were written. */
  private final Set<String> checkedBlobs;

  private OciImageReader(
      Path layoutDir,
      OciDescriptor manifest,
      OciDescriptor config,
      JsonNode configJson,
      List<OciDescriptor> layers,
      List<String> diffIds,
      Set<String> checkedBlobs) {
    this.layoutDir = layoutDir;
    this.checkedBlobs = checkedBlobs;
    this.manifest = manifest;
    this.config = config;
    this.architecture = configJson.path("architecture").asText("");
    this.variant = configJson.path("variant").asText(null);
    this.os = configJson.path("os").asText("");
    Map<String, String> found = new LinkedHashMap<>();
    configJson
        .path("config")
        .path("Labels")
        .fields()
        .forEachRemaining(e -> found.put(e.getKey(), e.getValue().asText()));
    this.labels = java.util.Collections.unmodifiableMap(found);
    this.layers = List.copyOf(layers);
    this.diffIds = List.copyOf(diffIds);
  }

  /** Opens the image named {@code refOrNull} with no preference of architecture. */
  public static OciImageReader open(Path layoutDir, String refOrNull)
      throws IOException, OciException {
    return open(layoutDir, refOrNull, null);
  }

  /**
   * Opens an image.
   *
   * @param layoutDir the directory holding {@code oci-layout} and {@code index.json}
   * @param refOrNull the tag ({@code oci:DIR:TAG}), or {@code null}
   * @param architectureOrNull the wanted architecture in Debian's or OCI's naming, or {@code
   *     null}; when given, the image's config must be for it
   * @throws OciException when the layout is malformed, the ref or architecture is not there, a
   *     blob is missing or does not match its descriptor, or a layer type is unsupported
   */
  public static OciImageReader open(Path layoutDir, String refOrNull, String architectureOrNull)
      throws IOException, OciException {
    return open(layoutDir, refOrNull, architectureOrNull, Set.of());
  }

  /**
   * Opens an image whose layout was written by debforge a moment ago, some of its blobs checked
   * against their digest as they were written ({@link OciArchive#unpack}): their layers are not
   * read once more before they are decompressed (they are still hashed as they are, and checked
   * at the end).
   */
  public static OciImageReader open(
      Path layoutDir, String refOrNull, String architectureOrNull, Set<String> checkedBlobs)
      throws IOException, OciException {
    Set<String> checked = Set.copyOf(checkedBlobs);
    OciPlatform wanted =
        architectureOrNull == null ? null : OciPlatform.fromDebian(architectureOrNull);
    Path layoutFile = layoutDir.resolve("oci-layout");
    if (!Files.isRegularFile(layoutFile)) {
      throw new OciException(
          layoutDir + " is not an OCI image layout: it has no oci-layout file",
          layoutFile,
          "give a directory written by `skopeo copy … oci:DIR` or `debforge compose -o oci:DIR`;"
              + " for a tar archive use oci-archive:FILE");
    }
    Path indexFile = layoutDir.resolve("index.json");
    JsonNode index = parse(readBounded(indexFile), indexFile);

    List<JsonNode> entries = new ArrayList<>();
    index.path("manifests").forEach(entries::add);
    if (refOrNull != null) {
      List<JsonNode> tagged =
          entries.stream().filter(e -> refOrNull.equals(refName(e))).collect(Collectors.toList());
      if (tagged.isEmpty()) {
        throw new OciException(
            "the layout has no image tagged '" + refOrNull + "'; it has " + describeRefs(entries),
            indexFile,
            "use one of those tags: oci:" + layoutDir + ":TAG");
      }
      entries = tagged;
    }
    OciDescriptor chosen = choose(entries, wanted, indexFile, layoutDir);
    for (int depth = 0; OciMediaTypes.INDEXES.contains(chosen.mediaType()); depth++) {
      if (depth == MAX_INDEX_DEPTH) {
        throw new OciException(
            "image indexes are nested more than " + MAX_INDEX_DEPTH + " deep", indexFile, null);
      }
      Path nestedFile = Digest.parse(chosen.digest()).blobPath(layoutDir);
      JsonNode nested = parse(readBlob(layoutDir, chosen, "image index"), nestedFile);
      List<JsonNode> nestedEntries = new ArrayList<>();
      nested.path("manifests").forEach(nestedEntries::add);
      chosen = choose(nestedEntries, wanted, nestedFile, layoutDir);
    }
    if (!OciMediaTypes.MANIFESTS.contains(chosen.mediaType())) {
      throw new OciException(
          "the chosen entry " + chosen.digest() + " has media type " + chosen.mediaType()
              + ", which is not an image manifest",
          indexFile,
          null);
    }
    Path manifestFile = Digest.parse(chosen.digest()).blobPath(layoutDir);
    JsonNode manifestJson = parse(readBlob(layoutDir, chosen, "manifest"), manifestFile);
    OciDescriptor configDescriptor = descriptor(manifestJson.path("config"), manifestFile);
    if (!OciMediaTypes.CONFIGS.contains(configDescriptor.mediaType())) {
      throw new OciException(
          "the manifest's config has media type " + configDescriptor.mediaType()
              + ", not an image config",
          manifestFile,
          "this may be an artifact rather than a container image");
    }
    Path configFile = Digest.parse(configDescriptor.digest()).blobPath(layoutDir);
    JsonNode configJson = parse(readBlob(layoutDir, configDescriptor, "config"), configFile);

    List<OciDescriptor> layers = new ArrayList<>();
    for (JsonNode layer : manifestJson.path("layers")) {
      OciDescriptor d = descriptor(layer, manifestFile);
      if (OciMediaTypes.layerCompression(d.mediaType()) == null) {
        throw new OciException(
            "layer " + d.digest() + " has media type " + d.mediaType()
                + ", which debforge cannot read",
            manifestFile,
            "debforge reads tar, tar+gzip and tar+zstd layers; convert the image with"
                + " `skopeo copy --dest-compress-format gzip`");
      }
      layers.add(d);
    }
    if (!"layers".equals(configJson.path("rootfs").path("type").asText())) {
      throw new OciException(
          "the config's rootfs.type is not 'layers'", configFile, "the image is malformed");
    }
    List<String> diffIds = new ArrayList<>();
    for (JsonNode diffId : configJson.path("rootfs").path("diff_ids")) {
      diffIds.add(diffId.asText());
    }
    if (diffIds.size() != layers.size()) {
      throw new OciException(
          "the manifest lists " + layers.size() + " layers but the config has "
              + diffIds.size() + " diff_ids",
          configFile,
          "the image is malformed; rebuild or re-copy it");
    }
    OciImageReader image =
        new OciImageReader(
            layoutDir, chosen, configDescriptor, configJson, layers, diffIds, checked);
    if (wanted != null && !wanted.architecture().equals(image.architecture)) {
      throw new OciException(
          "the image is for architecture '" + image.architecture + "', but this build is for "
              + architectureOrNull,
          configFile,
          "pick the image built for " + architectureOrNull + ", or change --arch");
    }
    return image;
  }

  public Path layoutDir() {
    return layoutDir;
  }

  /** The manifest's descriptor; its digest is the image's identity. */
  public OciDescriptor manifest() {
    return manifest;
  }

  /** The config's descriptor; its digest is the image id. */
  public OciDescriptor config() {
    return config;
  }

  /** OCI's architecture name: {@code amd64}, {@code arm64}, … */
  public String architecture() {
    return architecture;
  }

  /** The CPU variant, or {@code null}. */
  public String variant() {
    return variant;
  }

  public String os() {
    return os;
  }

  /** The config's labels, e.g. {@code containers.bootc=1}. */
  public Map<String, String> labels() {
    return labels;
  }

  /** The layers, lowest first. */
  public List<OciDescriptor> layers() {
    return layers;
  }

  /** The uncompressed digest of each layer, in the order of {@link #layers()}. */
  public List<String> diffIds() {
    return diffIds;
  }

  /**
   * Opens layer {@code index} for reading its uncompressed tar. Call {@link LayerStream#finish()}
   * after reading it to check its digests.
   *
   * @throws OciException when the blob is missing or its size differs from the descriptor
   */
  public LayerStream openLayer(int index) throws IOException, OciException {
    OciDescriptor layer = layers.get(index);
    Path blob = blobFile(layoutDir, layer, "layer " + index);
    return new LayerStream(index, layer, diffIds.get(index), blob,
        checkedBlobs.contains(layer.digest()));
  }

  private static OciDescriptor choose(
      List<JsonNode> entries, OciPlatform wanted, Path where, Path layoutDir)
      throws OciException {
    if (entries.isEmpty()) {
      throw new OciException("the index lists no manifests", where, "the layout is empty");
    }
    List<JsonNode> matching = entries;
    if (entries.size() > 1 || wanted != null) {
      if (wanted == null) {
        throw new OciException(
            "the layout holds " + entries.size() + " images (" + describeRefs(entries)
                + ") and none was named",
            where,
            "name one as oci:" + layoutDir + ":TAG, or give --arch for a multi-arch image");
      }
      matching =
          entries.stream()
              .filter(e -> !e.has("platform") && entries.size() == 1 || matches(e, wanted))
              .collect(Collectors.toList());
      if (matching.size() != 1) {
        throw new OciException(
            (matching.isEmpty() ? "no" : matching.size() + "") + " entries in the index are for "
                + wanted.architecture() + "; it has " + describePlatforms(entries),
            where,
            "choose an architecture the image was built for");
      }
    }
    return descriptor(matching.get(0), where);
  }

  private static boolean matches(JsonNode entry, OciPlatform wanted) {
    JsonNode platform = entry.path("platform");
    if (!wanted.architecture().equals(platform.path("architecture").asText())
        || !wanted.os().equals(platform.path("os").asText(wanted.os()))) {
      return false;
    }
    String variant = platform.path("variant").asText(null);
    return variant == null || wanted.variant() == null || variant.equals(wanted.variant());
  }

  private static String refName(JsonNode entry) {
    return entry.path("annotations").path(OciMediaTypes.REF_NAME_ANNOTATION).asText(null);
  }

  private static String describeRefs(List<JsonNode> entries) {
    List<String> refs = new ArrayList<>();
    for (JsonNode e : entries) {
      String ref = refName(e);
      refs.add(ref == null ? "untagged " + e.path("digest").asText() : "'" + ref + "'");
    }
    return refs.isEmpty() ? "no images" : "tags " + String.join(", ", refs);
  }

  private static String describePlatforms(List<JsonNode> entries) {
    List<String> platforms = new ArrayList<>();
    for (JsonNode e : entries) {
      JsonNode p = e.path("platform");
      platforms.add(
          p.isMissingNode()
              ? "no platform"
              : p.path("os").asText("?") + "/" + p.path("architecture").asText("?")
                  + (p.has("variant") ? "/" + p.path("variant").asText() : ""));
    }
    return String.join(", ", platforms);
  }

  private static OciDescriptor descriptor(JsonNode node, Path where) throws OciException {
    String mediaType = node.path("mediaType").asText(null);
    String digest = node.path("digest").asText(null);
    JsonNode size = node.path("size");
    if (mediaType == null || digest == null || !size.canConvertToLong() || size.asLong() < 0) {
      throw new OciException(
          "a descriptor lacks mediaType, digest or size: " + node,
          where,
          "the image is malformed; rebuild or re-copy it");
    }
    try {
      Digest.parse(digest);
    } catch (IllegalArgumentException e) {
      throw new OciException(e.getMessage(), where, "the image is malformed", e);
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    node.path("annotations")
        .fields()
        .forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
    return new OciDescriptor(mediaType, digest, size.asLong(), annotations);
  }

  private static Path blobFile(Path layoutDir, OciDescriptor descriptor, String what)
      throws IOException, OciException {
    Path file = Digest.parse(descriptor.digest()).blobPath(layoutDir);
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new OciException(
          "the " + what + " blob " + descriptor.digest() + " is missing",
          file,
          "the layout is incomplete; copy the image again (e.g. skopeo copy)");
    }
    if (size != descriptor.size()) {
      throw new OciException(
          "the " + what + " blob " + descriptor.digest() + " is " + size
              + " bytes but its descriptor says " + descriptor.size(),
          file,
          "the blob is truncated or was changed; copy the image again (e.g. skopeo copy)");
    }
    return file;
  }

  private static byte[] readBlob(Path layoutDir, OciDescriptor descriptor, String what)
      throws IOException, OciException {
    Path file = blobFile(layoutDir, descriptor, what);
    byte[] content = readBounded(file);
    Digest expected = Digest.parse(descriptor.digest());
    MessageDigest md = expected.newMessageDigest();
    String actual = HexFormat.of().formatHex(md.digest(content));
    if (!actual.equals(expected.hex())) {
      throw new OciException(
          "the " + what + " blob " + expected + " does not match its digest: "
              + describeReferrer(what) + " names it " + expected + ", but its content is "
              + expected.algorithm() + ":" + actual,
          file,
          "the blob was changed or damaged after the image was written; copy the image again"
              + " (e.g. skopeo copy) from where it was built");
    }
    return content;
  }

  private static String describeReferrer(String what) {
    return switch (what) {
      case "config" -> "the manifest";
      default -> "the index";
    };
  }

  private static byte[] readBounded(Path file) throws IOException, OciException {
    try {
      if (Files.size(file) > MAX_JSON_BLOB) {
        throw new OciException(
            file.getFileName() + " is larger than " + (MAX_JSON_BLOB >> 20) + " MiB",
            file,
            "this is not a plausible manifest, index or config");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new OciException(
          "the OCI layout lacks " + file.getFileName(), file, "the layout is incomplete");
    }
  }

  private static JsonNode parse(byte[] content, Path file) throws OciException {
    try {
      JsonNode node = JSON.readTree(content);
      if (node == null || !node.isObject()) {
        throw new OciException("not a JSON object", file, "the layout is malformed");
      }
      return node;
    } catch (IOException e) {
      throw new OciException(
          "invalid JSON: " + e.getMessage(), file, "the layout is malformed", e);
    }
  }
}
