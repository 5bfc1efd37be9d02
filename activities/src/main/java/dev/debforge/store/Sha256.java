package dev.debforge.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** SHA-256 of files, streamed; of sparse files, without reading their holes. */
public final class Sha256 {

  private static final int BUFFER = 1 << 20;

  private Sha256() {}

  /** The SHA-256 of bytes in memory, hex. */
  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(newDigest().digest(bytes));
  }

  /** A SHA-256 digest to update. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads the whole file, through a direct buffer (a heap array costs a copy per read, three
   * times the time on a 10 GiB sparse disk). An interrupted thread (a cancelled build) stops
   * reading with an {@link InterruptedIOException}, even for a file of many gigabytes.
   */
  public static String ofFile(Path file) throws IOException {
    return ofSparseFile(file, List.of(new Range(0, Files.size(file))));
  }

  /** A range of a file that holds data: {@code length} bytes from {@code start}. */
  public record Range(long start, long length) {
    public Range {
      if (start < 0 || length < 0) {
        throw new IllegalArgumentException("not a range: " + start + "+" + length);
      }
    }
  }

  /**
   * The SHA-256 of a sparse file, as {@link #ofFile} would compute it: the ranges that hold
   * data (in order, as {@code qemu-img map} or SEEK_DATA find them) are read, the holes between
   * them are hashed as zeros without reading them. A 10 GiB disk image with 1 GiB of data costs
   * the reading of 1 GiB and the hashing of 10, where reading the holes made the kernel fill
   * every page of them with zeros first.
   */
  public static String ofSparseFile(Path file, List<Range> data) throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
      ByteBuffer zeros = ByteBuffer.allocateDirect(BUFFER);
      long at = 0;
      for (Range range : data) {
        long end = range.start() + range.length();
        if (range.start() < at || end > size) {
          throw new IllegalArgumentException("the data ranges of " + file + " are not in order"
              + " within its " + size + " bytes: " + data);
        }
        hashZeros(digest, zeros, range.start() - at, file);
        read(in, buffer, range, digest, file);
        at = end;
      }
      hashZeros(digest, zeros, size - at, file);
      return HexFormat.of().formatHex(digest.digest());
    } catch (ClosedByInterruptException e) {
      throw stopped(file);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The SHA-256 of each range of a file, in the order given, each read from the file (a range
   * that reaches past the file's end is refused).
   */
  public static List<String> ofRanges(Path file, List<Range> ranges) throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
      List<String> sums = new ArrayList<>(ranges.size());
      for (Range range : ranges) {
        if (range.start() + range.length() > size) {
          throw new IllegalArgumentException(
              "the range " + range + " is not within the " + size + " bytes of " + file);
        }
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        read(in, buffer, range, digest, file);
        sums.add(HexFormat.of().formatHex(digest.digest()));
      }
      return sums;
    } catch (ClosedByInterruptException e) {
      throw stopped(file);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void read(
      FileChannel in, ByteBuffer buffer, Range range, MessageDigest digest, Path file)
      throws IOException {
    long end = range.start() + range.length();
    for (long pos = range.start(); pos < end; ) {
      buffer.clear();
      buffer.limit((int) Math.min(BUFFER, end - pos));
      int n = in.read(buffer, pos);
      if (n < 0) {
        throw new IOException(file + " shrank while it was being hashed");
      }
      stopIfInterrupted(file);
      buffer.flip();
      digest.update(buffer);
      pos += n;
    }
  }

  private static void hashZeros(MessageDigest digest, ByteBuffer zeros, long count, Path file)
      throws InterruptedIOException {
    for (long left = count; left > 0; ) {
      int n = (int) Math.min(zeros.capacity(), left);
      zeros.clear();
      zeros.limit(n);
      digest.update(zeros);
      left -= n;
      stopIfInterrupted(file);
    }
  }

  private static void stopIfInterrupted(Path file) throws InterruptedIOException {
    if (Thread.currentThread().isInterrupted()) {
      throw stopped(file);
    }
  }

  private static InterruptedIOException stopped(Path file) {
    return new InterruptedIOException("stopped reading " + file + ": the step was stopped");
  }
}
