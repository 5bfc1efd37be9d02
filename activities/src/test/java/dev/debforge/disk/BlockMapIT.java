package dev.debforge.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.store.Sha256;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The block map of a sparse disk is one bmap-tools reads: {@code bmaptool copy} checks the map's
 * own checksum and each range's as it copies, the copy reads as the disk, and a changed byte or a
 * changed map is refused. Fails (does not skip) without bmaptool.
 */
class BlockMapIT {

  private static final long MIB = 1 << 20;

  private final ProcessToolRunner runner = new ProcessToolRunner();

  @TempDir Path work;

  @Test
  void bmaptoolCopiesTheDiskByItsMapAndRefusesAChangedOne() throws Exception {
    Path disk = work.resolve("disk.raw");
    byte[] noise = new byte[(int) (3 * MIB)];
    new java.util.Random(7).nextBytes(noise);
    try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
      // Not a whole number of blocks: the last range ends inside its block.
      file.setLength(96 * MIB + 123);
      file.write("boot sector".getBytes());
      file.seek(7 * MIB + 5);
      file.write(noise);
      file.seek(40 * MIB + 4090);
      file.write("across a block boundary".getBytes());
      file.seek(96 * MIB + 100);
      file.write("the end".getBytes());
    }
    List<Sha256.Range> data = QemuImg.dataRanges(runner.run(QemuImg.map(disk)).stdout());
    BlockMap map = BlockMap.of(disk, data);
    assertEquals(96 * MIB + 123, map.imageSize());
    assertTrue(map.ranges().size() >= 3, map.ranges().toString());
    assertTrue(map.mappedBlocks() * BlockMap.BLOCK_SIZE < 8 * MIB,
        "the holes are not in the map: " + map.ranges());
    Path bmap = work.resolve("disk.raw.bmap");
    Files.writeString(bmap, map.text());

    Path copy = work.resolve("copy.raw");
    run("bmaptool", "copy", "--bmap", bmap.toString(), disk.toString(), copy.toString());
    assertEquals(-1, Files.mismatch(disk, copy), "the copy reads as the disk");

    // A byte of the disk changed inside a range: bmaptool finds the range's checksum wrong.
    try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
      file.seek(7 * MIB + 6);
      file.write(noise[1] ^ 0xff);
    }
    ToolException changed = assertThrows(ToolException.class,
        () -> run("bmaptool", "copy", "--bmap", bmap.toString(), disk.toString(),
            work.resolve("copy2.raw").toString()));
    assertTrue(changed.getMessage().contains("checksum mismatch"), changed.getMessage());

    // A map edited by hand: its own checksum no longer matches.
    Files.writeString(bmap, map.text().replace("<ImageSize> " + map.imageSize(),
        "<ImageSize> " + (map.imageSize() + 1)));
    ToolException edited = assertThrows(ToolException.class,
        () -> run("bmaptool", "copy", "--bmap", bmap.toString(), disk.toString(),
            work.resolve("copy3.raw").toString()));
    assertTrue(edited.getMessage().contains("checksum mismatch for bmap file"),
        edited.getMessage());
  }

  private String run(String... argv) throws ToolException {
    return runner.run(ToolCall.of(List.of(argv), Duration.ofMinutes(2))).stdout();
  }
}
