package dev.debforge.stage.publishdisk;

import dev.debforge.disk.BlockMap;
import dev.debforge.disk.QemuImg;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolCall;
import dev.debforge.process.SideTask;
import dev.debforge.stage.convert.ConvertStage;
import dev.debforge.stage.convert.DiskType;
import dev.debforge.store.PartialFiles;
import dev.debforge.store.Sha256;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code publish-disk}: copies one disk image from the store to {@code DIR/TYPE/FILE} (the
 * layout bootc-image-builder uses: {@code qcow2/disk.qcow2}, {@code image/disk.raw}, …).
 *
 * <p>The file is copied sparsely under a temporary name beside its destination and renamed into
 * place, so the output directory never holds a half-written disk. Never cached. A type that
 * qemu-img makes as fast as a copy (qcow2: {@link PublishDiskOptions#convert}) is not
 * stored at all: the stage converts the raw disk into that temporary file, checks it and compares
 * it with the raw disk as the convert stage would, and renames it into place.
 *
 * <p>A disk at its declared size, mostly holes (raw, ami, vhd: {@link PublishDiskOptions#blockMap})
 * gets a block map beside it, {@code FILE.bmap} in bmap-tools' format ({@link BlockMap}), which
 * names its content and lets {@code bmaptool copy} write only its data; its holes are neither
 * read nor hashed, so publishing a 200 GiB disk costs what a 10 GiB one does. Any other file is
 * named by its SHA-256.
 *
 * <p>Input: {@code disk} (a convert step, or the partition step's raw disk to convert). Facts:
 * {@code artifact}, {@code type}, {@code size}, and either {@code sha256} or {@code bmap} (the
 * map's path) and {@code bmapChecksum} (the checksum the map carries).
 */
public final class PublishDiskStage implements Stage<PublishDiskOptions> {

  public static final String ID = "publish-disk";

  /** The raw disk a conversion reads, as the partition step names it. */
  static final String RAW_DISK = "disk.raw";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 3;
  }

  @Override
  public Class<PublishDiskOptions> optionsType() {
    return PublishDiskOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, PublishDiskOptions options) throws Exception {
    String fileName = options.fileName();
    DiskType conversion = options.convert() == null ? null : DiskType.parse(options.convert());
    Path dir = Path.of(options.directory()).resolve(options.subdirectory());
    Path created = firstMissing(dir);
    Files.createDirectories(dir);
    Path target = dir.resolve(fileName);
    Path mapTarget = dir.resolve(fileName + ".bmap");
    PartialFiles.removeOrphans(target);
    PartialFiles.removeOrphans(mapTarget);
    Path partial = PartialFiles.beside(target);
    Path mapPartial = PartialFiles.beside(mapTarget);
    boolean published = false;
    SideTask<Naming> naming = null;
    try {
      Path raw = context.input("disk").resolve(RAW_DISK);
      Path source = conversion != null ? partial : context.input("disk").resolve(fileName);
      if (conversion != null) {
        context.progress("writing " + target + " (" + conversion.id() + " of the raw disk)");
        ConvertStage.convert(context.tools(), raw, partial, conversion);
      }
      // The file is named (hashed, or mapped) on a thread of its own while cp copies it, or while
      // qemu-img compares the converted file with the raw disk: both read it from the page
      // cache, and on two processors the hash costs no time of its own.
      List<Sha256.Range> data = dataRanges(context, source);
      naming =
          SideTask.start(
              "publish-disk-hash",
              () -> options.blockMap()
                  ? new Naming(BlockMap.of(source, data), null)
                  : new Naming(null, Sha256.ofSparseFile(source, data)));
      if (conversion != null) {
        context.progress("comparing with the raw disk");
        ConvertStage.compare(context.tools(), raw, partial, conversion);
      } else {
        context.progress("writing " + target);
        context.tools().run(
            ToolCall.of(
                List.of("cp", "--sparse=always", source.toString(), partial.toString()),
                Duration.ofMinutes(30)));
      }
      Map<String, String> facts = new TreeMap<>();
      facts.put("artifact", target.toString());
      facts.put("type", options.type());
      facts.put("size", Long.toString(Files.size(partial)));
      Naming named = naming.get();
      if (named.map() != null) {
        BlockMap map = named.map();
        Files.writeString(mapPartial, map.text());
        context.progress(
            "block map " + mapTarget + ": " + map.mappedBlocks() * BlockMap.BLOCK_SIZE
                / (1 << 20) + " MiB of data in " + map.ranges().size() + " ranges");
        // The map first: a crash between the two renames leaves a map that bmaptool finds does
        // not match the older disk, never a disk beside a map it would pass.
        Files.move(mapPartial, mapTarget, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        facts.put("bmap", mapTarget.toString());
        facts.put("bmapChecksum", map.checksum());
      } else {
        facts.put("sha256", named.sha256());
        Files.deleteIfExists(mapTarget);
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption
          .REPLACE_EXISTING);
      published = true;
      return new StageOutput(facts);
    } finally {
      if (naming != null) {
        naming.close();
      }
      Trees.delete(partial);
      Trees.delete(mapPartial);
      if (!published && created != null) {
        removeEmpty(dir, created);
      }
    }
  }

  /** What names the published file: its block map or its SHA-256. */
  private record Naming(BlockMap map, String sha256) {}

  /**
   * The ranges of the stored file that hold data: a raw disk of 10 GiB holds some 1 GiB, and its
   * holes are neither read nor (for a block map) hashed.
   */
  private static List<Sha256.Range> dataRanges(StageContext context, Path file)
      throws Exception {
    Path map = context.scratch().resolve("map.json");
    context.tools().run(QemuImg.map(file).withStdout(map));
    return QemuImg.dataRanges(Files.readString(map));
  }

  /** The outermost directory of {@code dir} that does not exist yet, or null if it exists. */
  private static Path firstMissing(Path dir) {
    Path missing = null;
    for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
      missing = p;
    }
    return missing;
  }

  /** Removes the directories this step created, from {@code dir} up to {@code top}, if empty. */
  private static void removeEmpty(Path dir, Path top) {
    for (Path p = dir.toAbsolutePath(); p != null && p.startsWith(top); p = p.getParent()) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException notEmpty) {
        return;
      }
    }
  }
}
