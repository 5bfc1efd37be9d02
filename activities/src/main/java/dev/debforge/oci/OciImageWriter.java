package dev.debforge.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Writes an OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/…})
 * from uncompressed layer tars; the {@code oci-export} stage of compose uses it.
 *
 * <p>Output is deterministic: the same tars and the same {@link ImageConfig} give the same blob,
 * config and manifest digests. Layers are compressed with gzip from {@code java.util.zip} on
 * every processor, a megabyte at a time ({@link ParallelGzipOutputStream}: header mtime 0, no file
 * name, default level, the same bytes whatever the number of processors), and JSON is written
 * compactly with a fixed key order and labels sorted by key.
 *
 * <p>Each tar is streamed once: its diff_id, the gzip stream and the blob's digest are computed
 * together, into a temporary file in {@code blobs/sha256/} that is then renamed to its digest.
 * Nothing is held in memory, so layers of any size work. If the layout already has an {@code
 * index.json}, the new manifest is added to it and replaces any manifest with the same ref name;
 * blobs already present are kept.
 */
public final class OciImageWriter {

  private static final int BUFFER = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Writes the image and reports no progress. */
  public WrittenImage write(Path layoutDir, List<Path> layerTars, ImageConfig config)
      throws IOException, OciException {
    return write(layoutDir, layerTars, config, bytes -> {});
  }

  /**
   * Writes the image into {@code layoutDir}, creating the directory if needed.
   *
   * @param layerTars uncompressed tar files, lowest layer first
   * @param progress receives the total number of uncompressed bytes read so far, about every
   *     megabyte; use it to heartbeat
   * @throws OciException when the history does not match the layers, or an existing index.json
   *     cannot be read
   */
  public WrittenImage write(
      Path layoutDir, List<Path> layerTars, ImageConfig config, LongConsumer progress)
      throws IOException, OciException {
    Objects.requireNonNull(progress, "progress");
    if (layerTars.isEmpty()) {
      throw new IllegalArgumentException("an image needs at least one layer");
    }
    long historyLayers = config.history().stream().filter(h -> !h.emptyLayer()).count();
    if (!config.history().isEmpty() && historyLayers != layerTars.size()) {
      throw new OciException(
          "the image has "
              + layerTars.size()
              + " layers but its history describes "
              + historyLayers,
          null,
          "give one non-empty history entry per layer, or none");
    }
    OciPlatform platform = config.platform();
    Path blobs = layoutDir.resolve("blobs").resolve("sha256");
    Files.createDirectories(blobs);

    long[] done = {0};
    List<WrittenImage.Layer> layers = new ArrayList<>();
    for (Path tar : layerTars) {
      layers.add(writeLayer(blobs, tar, done, progress));
    }

    byte[] configJson = JSON.writeValueAsBytes(configJson(config, platform, layers));
    String configDigest = writeBlob(blobs, configJson);

    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", OciMediaTypes.IMAGE_MANIFEST);
    manifest.set(
        "config", descriptor(OciMediaTypes.IMAGE_CONFIG, configDigest, configJson.length));
    ArrayNode layerArray = manifest.putArray("layers");
    for (WrittenImage.Layer layer : layers) {
      layerArray.add(descriptor(OciMediaTypes.LAYER_TAR_GZIP, layer.digest(), layer.size()));
    }
    byte[] manifestJson = JSON.writeValueAsBytes(manifest);
    String manifestDigest = writeBlob(blobs, manifestJson);

    writeSmallFile(
        layoutDir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    writeIndex(layoutDir, manifestDigest, manifestJson.length, platform, config.refName());
    return new WrittenImage(
        manifestDigest, manifestJson.length, configDigest, configJson.length, layers);
  }

  private static WrittenImage.Layer writeLayer(
      Path blobs, Path tar, long[] done, LongConsumer progress) throws IOException {
    MessageDigest diffId = Digest.newSha256();
    MessageDigest blobDigest = Digest.newSha256();
    Path temp = Files.createTempFile(blobs, ".layer-", ".tmp");
    long uncompressed = 0;
    try {
      try (InputStream in = Files.newInputStream(tar);
          OutputStream file = Files.newOutputStream(temp);
          DigestOutputStream digesting = new DigestOutputStream(file, blobDigest);
          ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(digesting)) {
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = in.read(buffer)) > 0) {
          diffId.update(buffer, 0, n);
          gzip.write(buffer, 0, n);
          uncompressed += n;
          done[0] += n;
          progress.accept(done[0]);
        }
        gzip.finish();
      }
      Digest digest = Digest.sha256(blobDigest);
      long size = Files.size(temp);
      moveIntoPlace(temp, digest.blobPath(blobs.getParent().getParent()));
      return new WrittenImage.Layer(
          digest.toString(), size, Digest.sha256(diffId).toString(), uncompressed);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static ObjectNode configJson(
      ImageConfig config, OciPlatform platform, List<WrittenImage.Layer> layers) {
    ObjectNode root = JSON.createObjectNode();
    root.put("created", DateTimeFormatter.ISO_INSTANT.format(config.created()));
    root.put("architecture", platform.architecture());
    if (platform.variant() != null) {
      root.put("variant", platform.variant());
    }
    root.put("os", platform.os());
    ObjectNode runtime = root.putObject("config");
    if (!config.env().isEmpty()) {
      ArrayNode env = runtime.putArray("Env");
      config.env().forEach(env::add);
    }
    if (!config.cmd().isEmpty()) {
      ArrayNode cmd = runtime.putArray("Cmd");
      config.cmd().forEach(cmd::add);
    }
    if (!config.labels().isEmpty()) {
      ObjectNode labels = runtime.putObject("Labels");
      config.labels().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> labels.put(e.getKey(), e.getValue()));
    }
    ObjectNode rootfs = root.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    layers.forEach(layer -> diffIds.add(layer.diffId()));
    if (!config.history().isEmpty()) {
      ArrayNode history = root.putArray("history");
      for (HistoryEntry entry : config.history()) {
        ObjectNode item = history.addObject();
        if (entry.created() != null) {
          item.put("created", DateTimeFormatter.ISO_INSTANT.format(entry.created()));
        }
        if (entry.createdBy() != null) {
          item.put("created_by", entry.createdBy());
        }
        if (entry.comment() != null) {
          item.put("comment", entry.comment());
        }
        if (entry.emptyLayer()) {
          item.put("empty_layer", true);
        }
      }
    }
    return root;
  }

  private static ObjectNode descriptor(String mediaType, String digest, long size) {
    ObjectNode node = JSON.createObjectNode();
    node.put("mediaType", mediaType);
    node.put("digest", digest);
    node.put("size", size);
    return node;
  }

  private static void writeIndex(
      Path layoutDir, String manifestDigest, long manifestSize, OciPlatform platform, String ref)
      throws IOException, OciException {
    Path indexFile = layoutDir.resolve("index.json");
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", OciMediaTypes.IMAGE_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    if (Files.exists(indexFile)) {
      JsonNode existing;
      try {
        existing = JSON.readTree(indexFile.toFile());
      } catch (IOException e) {
        throw new OciException(
            "the existing index.json cannot be read: " + e.getMessage(),
            indexFile,
            "write into an empty directory, or remove the broken layout",
            e);
      }
      for (JsonNode old : existing.path("manifests")) {
        String oldRef = old.path("annotations").path(OciMediaTypes.REF_NAME_ANNOTATION).asText(null);
        boolean replaced =
            ref != null ? ref.equals(oldRef) : manifestDigest.equals(old.path("digest").asText());
        if (!replaced) {
          manifests.add(old);
        }
      }
    }
    ObjectNode entry = descriptor(OciMediaTypes.IMAGE_MANIFEST, manifestDigest, manifestSize);
    ObjectNode platformNode = entry.putObject("platform");
    platformNode.put("architecture", platform.architecture());
    platformNode.put("os", platform.os());
    if (platform.variant() != null) {
      platformNode.put("variant", platform.variant());
    }
    if (ref != null) {
      entry.putObject("annotations").put(OciMediaTypes.REF_NAME_ANNOTATION, ref);
    }
    manifests.add(entry);
    writeSmallFile(indexFile, JSON.writeValueAsBytes(index));
  }

  static String writeBlob(Path blobs, byte[] content) throws IOException {
    MessageDigest md = Digest.newSha256();
    md.update(content);
    Digest digest = Digest.sha256(md);
    Path target = blobs.resolve(digest.hex());
    if (!Files.exists(target) || Files.size(target) != content.length) {
      writeSmallFile(target, content);
    }
    return digest.toString();
  }

  /** Writes through a temporary file and a rename, so a reader never sees half a file. */
  static void writeSmallFile(Path target, byte[] content) throws IOException {
    Path temp = Files.createTempFile(target.getParent(), ".write-", ".tmp");
    try {
      Files.write(temp, content);
      moveIntoPlace(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void moveIntoPlace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
