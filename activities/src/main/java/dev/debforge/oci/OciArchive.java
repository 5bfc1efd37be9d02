package dev.debforge.oci;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks an {@code oci-archive:} file (a tar of an OCI image layout) into a directory, so that
 * {@link OciImageReader} reads the archive's own {@code index.json}, manifests and blobs and
 * checks each against its digest, exactly as for an {@code oci:} directory. Copying through
 * skopeo instead would rewrite the manifest (it recompresses uncompressed layers) and would
 * never compare a manifest with the digest the archive's index gives it.
 *
 * <p>Only what a layout holds is written: {@code oci-layout}, {@code index.json} and {@code
 * blobs/ALGORITHM/HEX} with a well-formed digest, all regular files; directories are made as
 * needed and every other entry (symlinks, devices, other names) is skipped, so nothing is ever
 * written outside the target. Entry names may start with {@code ./}. The blobs are not checked
 * here; the reader checks them.
 */
public final class OciArchive {

  private OciArchive() {}

  /**
   * Unpacks {@code archive} into {@code layout}, which must not exist yet. Each blob is hashed as
   * it is written; those whose content has the digest they are named by are returned, so that
   * a reader need not read them once more before it trusts them
   * ({@link OciImageReader#open(Path, String, String, Set)}). A blob that does not is written all
   * the same: the reader finds it out if the image uses it.
   *
   * @return the digests ({@code sha256:HEX}) of the blobs checked as they were written
   * @throws OciException when the file is missing, not a tar, truncated, or holds no layout
   */
  public static Set<String> unpack(Path archive, Path layout) throws IOException, OciException {
    return unpack(archive, layout, Long.MAX_VALUE);
  }

  /**
   * Unpacks what {@link OciImageReader#open} reads of the archive's layout: {@code oci-layout},
   * {@code index.json} and the blobs of at most 16 MiB (indexes, manifests, configs); layers
   * are passed over without being read, so this costs the same for an image of any size.
   */
  public static void unpackMetadata(Path archive, Path layout) throws IOException, OciException {
    unpack(archive, layout, METADATA_BYTES);
  }

  /** Blobs larger than this are left out of {@link #unpackMetadata}. */
  static final long METADATA_BYTES = 16L << 20;

  private static Set<String> unpack(Path archive, Path layout, long maxBlobBytes)
      throws IOException, OciException {
    Files.createDirectories(layout.getParent());
    Files.createDirectory(layout);
    Path blobs = Files.createDirectory(layout.resolve("blobs"));
    String hint =
        "give a tar of an OCI image layout, as `skopeo copy … oci-archive:FILE` or `debforge"
            + " compose -o oci-archive:FILE` write it; for a directory use oci:DIR";
    Set<String> checked = new HashSet<>();
    try (InputStream file = Files.newInputStream(archive);
        TarArchiveInputStream tar = new TarArchiveInputStream(file)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (!entry.isFile()) {
          continue;
        }
        Target target = target(layout, blobs, entry.getName());
        if (target == null) {
          continue;
        }
        Files.createDirectories(target.path().getParent());
        Digest named = target.digest();
        if (named == null) {
          Files.copy(tar, target.path(), StandardCopyOption.REPLACE_EXISTING);
          continue;
        }
        if (entry.getSize() > maxBlobBytes) {
          continue;
        }
        MessageDigest hash = named.newMessageDigest();
        Files.copy(
            new DigestInputStream(tar, hash), target.path(), StandardCopyOption.REPLACE_EXISTING);
        if (HexFormat.of().formatHex(hash.digest()).equals(named.hex())) {
          checked.add(named.toString());
        }
      }
    } catch (NoSuchFileException e) {
      throw new OciException("the archive " + archive + " does not exist", archive, hint);
    } catch (IOException | RuntimeException e) {
      throw new OciException(
          "the archive " + archive + " is not a complete tar file ("
              + LayerExtractor.escape(String.valueOf(e.getMessage())) + ")",
          archive,
          hint,
          e);
    }
    if (!Files.isRegularFile(layout.resolve("index.json"))) {
      throw new OciException(
          "the archive " + archive + " holds no OCI image layout: it has no index.json",
          archive,
          hint);
    }
    return checked;
  }

  /** Where an entry of the layout goes, and for a blob the digest it is named by (else null). */
  private record Target(Path path, Digest digest) {}

  /** Where an entry of a layout goes, or null when it is not part of one. */
  private static Target target(Path layout, Path blobs, String name) {
    String path = name;
    while (path.startsWith("./")) {
      path = path.substring(2);
    }
    if (path.equals("oci-layout") || path.equals("index.json")) {
      return new Target(layout.resolve(path), null);
    }
    String[] parts = path.split("/");
    if (parts.length != 3 || !parts[0].equals("blobs")) {
      return null;
    }
    try {
      Digest digest = Digest.parse(parts[1] + ":" + parts[2]);
      Path blob = digest.blobPath(layout);
      return blob.startsWith(blobs) ? new Target(blob, digest) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
