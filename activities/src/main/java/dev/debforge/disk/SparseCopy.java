package dev.debforge.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Copies a partition's file system image into a disk image at the partition's offset, skipping
 * blocks that are all zeros, so a {@code truncate}d disk image stays sparse (the same as
 * {@code dd conv=notrunc,sparse}). The disk must already be large enough; it is never extended
 * or truncated.
 */
public final class SparseCopy {

  private static final int BLOCK = 1 << 20;

  private SparseCopy() {}

  /**
   * Copies {@code source} into {@code disk} starting at {@code offsetBytes}.
   *
   * @param limitBytes the partition's size; a larger source is refused
   * @return the number of bytes actually written (non-zero blocks)
   */
  public static long copyInto(Path source, Path disk, long offsetBytes, long limitBytes)
      throws IOException {
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(disk, StandardOpenOption.WRITE)) {
      long size = in.size();
      if (size > limitBytes) {
        throw new IllegalArgumentException(
            source + " has " + size + " bytes but its partition only " + limitBytes);
      }
      if (offsetBytes + size > out.size()) {
        throw new IllegalArgumentException(
            disk + " ends before byte " + (offsetBytes + size) + "; make the disk image first");
      }
      ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
      long written = 0;
      for (long pos = 0; pos < size; pos += BLOCK) {
        buf.clear();
        buf.limit((int) Math.min(BLOCK, size - pos));
        while (buf.hasRemaining()) {
          if (in.read(buf, pos + buf.position()) < 0) {
            throw new IOException(source + " shrank while it was being copied");
          }
        }
        buf.flip();
        if (isZero(buf)) {
          continue;
        }
        while (buf.hasRemaining()) {
          written += out.write(buf, offsetBytes + pos + buf.position());
        }
      }
      return written;
    }
  }

  private static boolean isZero(ByteBuffer buf) {
    int i = buf.position();
    int end = buf.limit();
    for (; i + 8 <= end; i += 8) {
      if (buf.getLong(i) != 0) {
        return false;
      }
    }
    for (; i < end; i++) {
      if (buf.get(i) != 0) {
        return false;
      }
    }
    return true;
  }
}
