package dev.debforge.disk;

import dev.debforge.plugin.ToolCall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Makes an ext4 file system in a file from a directory ({@code mke2fs -d}), without mounting;
 * either a file of its own or, with an offset, a partition of a disk image in place
 * ({@code mke2fs -E offset=}: the bytes before the offset and after the file system's end are
 * left alone, so the partition table can be written first and nothing is copied afterwards).
 *
 * <p>The result must not depend on the build host. mke2fs takes its defaults (features, block
 * size, inode size, inode ratio by size class) from {@code /etc/mke2fs.conf}, so the call points
 * {@code MKE2FS_CONFIG} at {@link #PINNED_CONFIG}, which the caller writes to a file. Pointing it
 * at {@code /dev/null} instead was tried with mke2fs 1.47.0: it falls back to built-in defaults
 * without {@code extent}, {@code has_journal} or {@code metadata_csum} and warns that ext4 is not
 * defined, so that is not an option. {@code metadata_csum_seed} and {@code orphan_file} are also
 * turned off on the command line: GRUB builds without the csum-seed patch cannot read the first.
 *
 * <p>{@code mke2fs -d} copies owners, modes, xattrs and hard links but not inode flags; see
 * {@link Debugfs} for the immutable bit ostree sets on a deployment.
 */
public final class MkfsExt4 {

  public static final Duration TIMEOUT = Duration.ofMinutes(30);

  /**
   * An mke2fs.conf with e2fsprogs 1.47's ext4 defaults, the same block size, inode size and
   * inode ratio for every file system size, and no periodic fsck. Each size class mke2fs picks
   * ({@code floppy} to {@code huge}) is defined, with the common inode ratio, because mke2fs warns
   * about an undefined one and an empty stanza counts as undefined.
   */
  public static final String PINNED_CONFIG =
      String.join(
          "\n",
          "[defaults]",
          "\tbase_features = sparse_super,large_file,filetype,resize_inode,dir_index,ext_attr",
          "\tdefault_mntopts = acl,user_xattr",
          "\tenable_periodic_fsck = 0",
          "\tblocksize = 4096",
          "\tinode_size = 256",
          "\tinode_ratio = 16384",
          "",
          "[fs_types]",
          "\text4 = {",
          "\t\tfeatures = has_journal,extent,huge_file,flex_bg,metadata_csum,64bit,dir_nlink,"
              + "extra_isize",
          "\t}",
          "\tfloppy = {",
          "\t\tinode_ratio = 16384",
          "\t}",
          "\tsmall = {",
          "\t\tinode_ratio = 16384",
          "\t}",
          "\tdefault = {",
          "\t\tinode_ratio = 16384",
          "\t}",
          "\tbig = {",
          "\t\tinode_ratio = 16384",
          "\t}",
          "\thuge = {",
          "\t\tinode_ratio = 16384",
          "\t}",
          "");

  /**
   * @param sourceDir the directory whose contents become the file system's root
   * @param image the file to write; created if missing, overwritten if present
   * @param sizeBytes the file system size, a multiple of 4096
   * @param uuid the file system UUID
   * @param label the volume label, at most 16 bytes
   * @param hashSeed the directory hash seed, or {@code null} for a random one
   * @param config the file holding {@link #PINNED_CONFIG}, or {@code null} to use the host's
   * @param fakeTime seconds since the epoch passed as {@code E2FSPROGS_FAKE_TIME}, or {@code null};
   *     with mke2fs 1.47.0 two runs still differ in superblock and inode times (checked), so
   *     this narrows but does not remove the difference between rebuilds
   * @param offsetBytes where the file system starts in {@code image}: 0 for a file of its own, a
   *     partition's offset for a disk image
   * @param zeroed the file system's bytes in {@code image} read as zeros already (a new sparse
   *     file): mke2fs then leaves the journal's blocks unwritten ({@code lazy_journal_init}), as
   *     it does itself on a device whose discard returns zeros. The bytes read back are the same;
   *     the journal (64 MiB on a 10 GiB disk, 1 GiB from 128 GiB up) stays a hole instead of
   *     taking its size in the file. Never set it for a file that held data: a journal left
   *     unwritten over old bytes could be replayed from them
   */
  public record Options(
      Path sourceDir,
      Path image,
      long sizeBytes,
      UUID uuid,
      String label,
      UUID hashSeed,
      Path config,
      Long fakeTime,
      long offsetBytes,
      boolean zeroed) {

    /** A file system that is the whole of {@code image}. */
    public Options(
        Path sourceDir,
        Path image,
        long sizeBytes,
        UUID uuid,
        String label,
        UUID hashSeed,
        Path config,
        Long fakeTime) {
      this(sourceDir, image, sizeBytes, uuid, label, hashSeed, config, fakeTime, 0, false);
    }

    public Options {
      Objects.requireNonNull(sourceDir, "sourceDir");
      Objects.requireNonNull(image, "image");
      Objects.requireNonNull(uuid, "uuid");
      Objects.requireNonNull(label, "label");
      if (sizeBytes <= 0 || sizeBytes % 4096 != 0) {
        throw new IllegalArgumentException(
            "an ext4 size must be a positive multiple of 4096 bytes, not " + sizeBytes);
      }
      if (label.getBytes(StandardCharsets.UTF_8).length > 16) {
        throw new IllegalArgumentException("an ext4 label has at most 16 bytes: '" + label + "'");
      }
      if (offsetBytes < 0 || offsetBytes % 4096 != 0) {
        throw new IllegalArgumentException(
            "an ext4 offset must be a non-negative multiple of 4096 bytes, not " + offsetBytes);
      }
    }
  }

  private MkfsExt4() {}

  public static ToolCall call(Options o) {
    List<String> extended = new ArrayList<>(List.of("root_owner=0:0"));
    if (o.hashSeed() != null) {
      extended.add("hash_seed=" + o.hashSeed());
    }
    if (o.offsetBytes() > 0) {
      extended.add("offset=" + o.offsetBytes());
    }
    if (o.zeroed()) {
      extended.add("lazy_journal_init=1");
    }
    List<String> argv =
        List.of(
            "mkfs.ext4",
            "-q",
            "-t", "ext4",
            "-O", "^metadata_csum_seed,^orphan_file",
            "-E", String.join(",", extended),
            "-U", o.uuid().toString(),
            "-L", o.label(),
            "-d", o.sourceDir().toString(),
            "-F",
            o.image().toString(),
            // Without a unit mke2fs reads the size in blocks; "k" makes it unambiguous.
            (o.sizeBytes() / 1024) + "k");
    Map<String, String> env = new LinkedHashMap<>();
    if (o.config() != null) {
      env.put("MKE2FS_CONFIG", o.config().toString());
    }
    if (o.fakeTime() != null) {
      env.put("E2FSPROGS_FAKE_TIME", Long.toString(o.fakeTime()));
    }
    return ToolCall.of(argv, TIMEOUT).withEnvironment(env);
  }
}
