package dev.debforge.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.store.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockMapTest {

  @Test
  void dataRangesBecomeWholeBlocksAndTouchingOnesMerge() {
    List<long[]> blocks = BlockMap.blockRanges(List.of(
        new Sha256.Range(0, 11),
        new Sha256.Range(4096, 10),        // the next block: merged with the first
        new Sha256.Range(5 * 4096 + 4090, 20), // across a boundary: blocks 5 and 6
        new Sha256.Range(6 * 4096 + 100, 0),   // empty: nothing
        new Sha256.Range(9 * 4096, 4096)));
    assertEquals(3, blocks.size());
    assertArrayEquals(new long[] {0, 1}, blocks.get(0));
    assertArrayEquals(new long[] {5, 6}, blocks.get(1));
    assertArrayEquals(new long[] {9, 9}, blocks.get(2));
  }

  @Test
  void theTextCarriesTheChecksumOfItselfWithTheChecksumZeroed() {
    BlockMap map = new BlockMap(10 * 4096 + 1, List.of(
        new BlockMap.BlockRange(0, 1, "a".repeat(64)),
        new BlockMap.BlockRange(10, 10, "b".repeat(64))));
    String text = map.text();
    assertTrue(text.contains("<ImageSize> 40961 </ImageSize>"), text);
    assertTrue(text.contains("<BlocksCount> 11 </BlocksCount>"), text);
    assertTrue(text.contains("<MappedBlocksCount> 3 </MappedBlocksCount>"), text);
    assertTrue(text.contains("<Range chksum=\"" + "a".repeat(64) + "\"> 0-1 </Range>"), text);
    assertTrue(text.contains("<Range chksum=\"" + "b".repeat(64) + "\"> 10 </Range>"), text);
    String zeroed = text.replace(map.checksum(), "0".repeat(64));
    assertEquals(map.checksum(), Sha256.hex(zeroed.getBytes(StandardCharsets.UTF_8)));
    assertTrue(text.contains("<BmapFileChecksum> " + map.checksum() + " </BmapFileChecksum>"));
  }
}
