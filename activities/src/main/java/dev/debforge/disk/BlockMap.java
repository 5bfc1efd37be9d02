package dev.debforge.disk;

import dev.debforge.store.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The block map of a sparse disk image, in the format of bmap-tools ({@code bmaptool copy
 * --bmap FILE.bmap FILE /dev/sdX}, version 2.0): the image's size and the 4 KiB blocks that hold
 * data, in ranges, each with its SHA-256, and the map's own checksum. bmaptool writes only those
 * blocks and checks every range as it copies; the rest of the image reads as zeros.
 *
 * <p>It is what names a raw disk's content at the cost of that content: a whole-file SHA-256 of a
 * disk of 200 GiB hashes 200 GiB of zeros for the 1 GiB its file systems hold.
 *
 * @param imageSize the image's size in bytes
 * @param ranges the ranges of blocks that hold data, in order, with their SHA-256
 */
public record BlockMap(long imageSize, List<BlockRange> ranges) {

  public static final int BLOCK_SIZE = 4096;

  /** The tag bmaptool reads the map's own checksum from. */
  private static final String FILE_CHECKSUM = "BmapFileChecksum";

  private static final String ZEROS = "0".repeat(64);

  /** Blocks {@code first} to {@code last}, both included, and the SHA-256 of their bytes. */
  public record BlockRange(long first, long last, String sha256) {
    public BlockRange {
      if (first < 0 || last < first) {
        throw new IllegalArgumentException("not a block range: " + first + "-" + last);
      }
    }

    long blocks() {
      return last - first + 1;
    }
  }

  public BlockMap {
    ranges = List.copyOf(ranges);
  }

  /**
   * The block map of {@code image}: the blocks its data ranges touch (from {@code qemu-img map},
   * holes left out) are read and hashed, the holes are not read.
   */
  public static BlockMap of(Path image, List<Sha256.Range> data) throws IOException {
    long size = Files.size(image);
    List<long[]> blocks = blockRanges(data);
    List<Sha256.Range> byteRanges = new ArrayList<>();
    for (long[] range : blocks) {
      long start = range[0] * BLOCK_SIZE;
      long end = Math.min((range[1] + 1) * BLOCK_SIZE, size);
      byteRanges.add(new Sha256.Range(start, end - start));
    }
    List<String> sums = Sha256.ofRanges(image, byteRanges);
    List<BlockRange> ranges = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      ranges.add(new BlockRange(blocks.get(i)[0], blocks.get(i)[1], sums.get(i)));
    }
    return new BlockMap(size, ranges);
  }

  /** The byte ranges widened to whole blocks, touching or overlapping ones merged. */
  static List<long[]> blockRanges(List<Sha256.Range> data) {
    List<long[]> blocks = new ArrayList<>();
    for (Sha256.Range range : data) {
      if (range.length() == 0) {
        continue;
      }
      long first = range.start() / BLOCK_SIZE;
      long last = (range.start() + range.length() - 1) / BLOCK_SIZE;
      long[] previous = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
      if (previous != null && first < previous[0]) {
        throw new IllegalArgumentException("data ranges out of order: " + data);
      }
      if (previous != null && first <= previous[1] + 1) {
        previous[1] = Math.max(previous[1], last);
      } else {
        blocks.add(new long[] {first, last});
      }
    }
    return blocks;
  }

  public long blocksCount() {
    return (imageSize + BLOCK_SIZE - 1) / BLOCK_SIZE;
  }

  public long mappedBlocks() {
    return ranges.stream().mapToLong(BlockRange::blocks).sum();
  }

  /**
   * The map as bmaptool reads it. Its checksum is the SHA-256 of this text with the checksum's
   * own digits written as zeros, which is how bmaptool checks it.
   */
  public String text() {
    String unsigned = text(ZEROS);
    return text(Sha256.hex(unsigned.getBytes(StandardCharsets.UTF_8)));
  }

  /** The map's own checksum, as {@link #text()} carries it in {@code BmapFileChecksum}. */
  public String checksum() {
    return Sha256.hex(text(ZEROS).getBytes(StandardCharsets.UTF_8));
  }

  private String text(String checksum) {
    StringBuilder xml = new StringBuilder();
    xml.append("<?xml version=\"1.0\" ?>\n")
        .append("<!-- The blocks of a disk image that hold data, with their SHA-256, written by\n")
        .append("     debforge. Copy the image with it: bmaptool copy IMAGE DEVICE -->\n")
        .append("<bmap version=\"2.0\">\n")
        .append("    <ImageSize> ").append(imageSize).append(" </ImageSize>\n")
        .append("    <BlockSize> ").append(BLOCK_SIZE).append(" </BlockSize>\n")
        .append("    <BlocksCount> ").append(blocksCount()).append(" </BlocksCount>\n")
        .append("    <MappedBlocksCount> ").append(mappedBlocks())
        .append(" </MappedBlocksCount>\n")
        .append("    <ChecksumType> sha256 </ChecksumType>\n")
        .append("    <").append(FILE_CHECKSUM).append("> ").append(checksum)
        .append(" </").append(FILE_CHECKSUM).append(">\n")
        .append("    <BlockMap>\n");
    for (BlockRange range : ranges) {
      xml.append("        <Range chksum=\"").append(range.sha256()).append("\"> ")
          .append(range.first());
      if (range.last() != range.first()) {
        xml.append('-').append(range.last());
      }
      xml.append(" </Range>\n");
    }
    xml.append("    </BlockMap>\n").append("</bmap>\n");
    return xml.toString();
  }
}
