package dev.debforge.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.store.Sha256;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes an {@code oci-archive:} file, a tar of an OCI image layout, from one image of a layout:
 * what skopeo's and podman's {@code oci-archive} transport read, written in one pass over the
 * blobs, each checked against its digest on the way (skopeo's copy read and wrote them, and the
 * archive was read again for its SHA-256).
 *
 * <p>The archive holds {@code oci-layout}, an {@code index.json} naming the image by {@code
 * org.opencontainers.image.ref.name}, and the image's manifest, config and layers under {@code
 * blobs/sha256/}, in that order. Entries are owned by root, files 0644 and directories 0755, all
 * dated from the image's creation time (its config's {@code created}, which {@code
 * SOURCE_DATE_EPOCH} sets): the archive is a function of the image and its name, so publishing
 * the same image again writes the same bytes.
 */
public final class OciArchiveWriter {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BUFFER = 1 << 20;

  private OciArchiveWriter() {}

  /**
   * Writes {@code image} to {@code archive} as {@code refName} and returns the archive's SHA-256.
   */
  public static String write(OciImageReader image, String refName, Path archive)
      throws IOException {
    Path blobs = image.layoutDir().resolve("blobs");
    Instant created = created(blobs.resolve(image.config().digest().replace(':', '/')));
    List<OciDescriptor> contents = new ArrayList<>();
    contents.add(image.manifest());
    contents.add(image.config());
    contents.addAll(image.layers());
    MessageDigest sha = Sha256.newDigest();
    try (OutputStream file = Files.newOutputStream(archive);
        DigestOutputStream hashed = new DigestOutputStream(file, sha);
        BufferedOutputStream buffered = new BufferedOutputStream(hashed, BUFFER);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(buffered)) {
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      put(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(
          StandardCharsets.UTF_8), created);
      put(tar, "index.json", index(image, refName), created);
      directory(tar, "blobs/", created);
      directory(tar, "blobs/sha256/", created);
      Set<String> written = new HashSet<>();
      for (OciDescriptor blob : contents) {
        if (written.add(blob.digest())) {
          copy(blobs.resolve(blob.digest().replace(':', '/')), blob, tar, created);
        }
      }
      tar.finish();
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /**
   * Copies a blob into the archive, checking on the way that it is the one its descriptor names
   * (as skopeo's copy did): a stored blob that changed is not published under its old name.
   */
  private static void copy(Path path, OciDescriptor blob, TarArchiveOutputStream tar,
      Instant created) throws IOException {
    long size = Files.size(path);
    if (size != blob.size()) {
      throw new IOException("blob " + blob.digest() + " in " + path.getParent() + " has " + size
          + " bytes, not the " + blob.size() + " its descriptor gives");
    }
    TarArchiveEntry entry = entry("blobs/" + blob.digest().replace(':', '/'),
        TarConstants.LF_NORMAL, 0644, created);
    entry.setSize(size);
    tar.putArchiveEntry(entry);
    MessageDigest sha = Sha256.newDigest();
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = Files.newInputStream(path)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        sha.update(buffer, 0, n);
        tar.write(buffer, 0, n);
      }
    }
    tar.closeArchiveEntry();
    String digest = "sha256:" + HexFormat.of().formatHex(sha.digest());
    if (blob.digest().startsWith("sha256:") && !digest.equals(blob.digest())) {
      throw new IOException("blob " + blob.digest() + " in " + path.getParent()
          + " has the digest " + digest + ": the stored image is damaged");
    }
  }

  /** The archive's index: the image's manifest, with its platform and the name asked for. */
  static byte[] index(OciImageReader image, String refName) throws IOException {
    Map<String, Object> platform = new LinkedHashMap<>();
    platform.put("architecture", image.architecture());
    platform.put("os", image.os());
    if (image.variant() != null) {
      platform.put("variant", image.variant());
    }
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("mediaType", image.manifest().mediaType());
    manifest.put("digest", image.manifest().digest());
    manifest.put("size", image.manifest().size());
    manifest.put("platform", platform);
    if (refName != null) {
      manifest.put("annotations", Map.of("org.opencontainers.image.ref.name", refName));
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", OciMediaTypes.IMAGE_INDEX);
    index.put("manifests", List.of(manifest));
    return JSON.writeValueAsBytes(index);
  }

  /** The config's {@code created}, or the epoch when it has none (it is optional in OCI). */
  private static Instant created(Path config) throws IOException {
    JsonNode created = JSON.readTree(config.toFile()).get("created");
    if (created == null || !created.isTextual()) {
      return Instant.EPOCH;
    }
    try {
      return Instant.parse(created.asText());
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }

  private static void put(TarArchiveOutputStream tar, String name, byte[] content,
      Instant time) throws IOException {
    TarArchiveEntry entry = entry(name, TarConstants.LF_NORMAL, 0644, time);
    entry.setSize(content.length);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private static void directory(TarArchiveOutputStream tar, String name, Instant time)
      throws IOException {
    tar.putArchiveEntry(entry(name, TarConstants.LF_DIR, 0755, time));
    tar.closeArchiveEntry();
  }

  private static TarArchiveEntry entry(String name, byte type, int mode, Instant time) {
    TarArchiveEntry entry = new TarArchiveEntry(name, type);
    entry.setMode((type == TarConstants.LF_DIR ? 040000 : 0100000) | mode);
    entry.setIds(0, 0);
    entry.setNames("root", "root");
    entry.setModTime(Math.max(0, time.getEpochSecond()) * 1000);
    return entry;
  }
}
