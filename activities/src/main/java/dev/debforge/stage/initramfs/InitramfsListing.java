package dev.debforge.stage.initramfs;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The paths inside an initramfs, read on the host: what {@code lsinitrd} lists, without running
 * it in the image (under qemu-user for a foreign architecture) and without decompressing to a
 * pipe.
 *
 * <p>An initramfs is one or more cpio archives in the kernel's "newc" format, one after the
 * other, the later ones possibly compressed: dracut writes an uncompressed early archive
 * (microcode) when it has one, then the main archive through its compressor. This reads
 * uncompressed and gzip-compressed archives; an archive compressed otherwise (zstd, xz, lz4,
 * which a dracut.conf.d in the image can choose) gives {@link Optional#empty()}, and the caller
 * asks lsinitrd.
 */
public final class InitramfsListing {

  private static final int HEADER = 110;
  private static final String TRAILER = "TRAILER!!!";

  private InitramfsListing() {}

  /**
   * The paths of every archive in {@code image}, relative ({@code usr/lib/…}), or empty when a
   * part of it is compressed in a format this does not read.
   *
   * @throws Malformed when the file is not a well-formed initramfs
   * @throws IOException when it cannot be read
   */
  public static Optional<Set<String>> read(Path image) throws IOException {
    try {
      return readArchives(image);
    } catch (EOFException | ZipException e) {
      throw new Malformed("cut short or corrupt (" + e.getMessage() + ")", e);
    }
  }

  private static Optional<Set<String>> readArchives(Path image) throws IOException {
    Set<String> names = new TreeSet<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(image), 1 << 16)) {
      while (true) {
        int first = skipZeros(in);
        if (first < 0) {
          return Optional.of(names);
        }
        int second = in.read();
        if (first == '0' && second == '7') {
          readArchive(in, names, "07");
        } else if (first == 0x1f && second == 0x8b) {
          // The rest of the file is the compressed archive (or archives).
          InputStream gzip = new GZIPInputStream(new Prefixed(in, first, second), 1 << 16);
          while (true) {
            int next = skipZeros(gzip);
            if (next < 0) {
              return Optional.of(names);
            }
            readArchive(gzip, names, new String(new byte[] {(byte) next}, StandardCharsets.US_ASCII));
          }
        } else {
          return Optional.empty();
        }
      }
    }
  }

  /**
   * Reads one archive's entries up to its trailer, adding their names.
   *
   * @param read the first bytes of the first header, already read from {@code in}
   */
  private static void readArchive(InputStream in, Set<String> names, String read)
      throws IOException {
    byte[] header = new byte[HEADER];
    int offset = read.length();
    System.arraycopy(read.getBytes(StandardCharsets.US_ASCII), 0, header, 0, offset);
    while (true) {
      readFully(in, header, offset, HEADER - offset);
      offset = 0;
      String magic = new String(header, 0, 6, StandardCharsets.US_ASCII);
      if (!magic.equals("070701") && !magic.equals("070702")) {
        throw new Malformed("not a newc cpio header: " + printable(magic), null);
      }
      long fileSize = hex(header, 54);
      int nameSize = (int) hex(header, 94);
      if (nameSize <= 0 || nameSize > 4096) {
        throw new Malformed("a cpio entry with a name of " + nameSize + " bytes", null);
      }
      byte[] name = new byte[nameSize];
      readFully(in, name, 0, nameSize);
      skip(in, pad(HEADER + nameSize));
      String path = new String(name, 0, nameSize - 1, StandardCharsets.UTF_8);
      if (path.equals(TRAILER)) {
        return;
      }
      skip(in, fileSize + pad(fileSize));
      String relative = path.replaceFirst("^(\\./|/)+", "");
      if (!relative.isEmpty() && !relative.equals(".")) {
        names.add(relative);
      }
    }
  }

  /** The bytes that align {@code length} to four. */
  private static long pad(long length) {
    return (4 - length % 4) % 4;
  }

  private static long hex(byte[] header, int at) throws IOException {
    String field = new String(header, at, 8, StandardCharsets.US_ASCII);
    try {
      return Long.parseLong(field, 16);
    } catch (NumberFormatException e) {
      throw new Malformed("a cpio header field is not hexadecimal: " + printable(field), null);
    }
  }

  /** The first byte that is not zero (the padding between archives), or -1 at the end. */
  private static int skipZeros(InputStream in) throws IOException {
    int b;
    do {
      b = in.read();
    } while (b == 0);
    return b;
  }

  private static void readFully(InputStream in, byte[] into, int from, int length)
      throws IOException {
    if (in.readNBytes(into, from, length) < length) {
      throw new EOFException("the initramfs ends inside a cpio header");
    }
  }

  private static void skip(InputStream in, long bytes) throws IOException {
    try {
      in.skipNBytes(bytes);
    } catch (EOFException e) {
      throw new EOFException("the initramfs ends inside a cpio entry");
    }
  }

  private static String printable(String text) {
    return text.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /** The file is not an initramfs the kernel could unpack: its data, not the machine, is wrong. */
  public static final class Malformed extends IOException {
    Malformed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** {@code in} with two bytes already taken from it put back in front. */
  private static final class Prefixed extends InputStream {
    private final InputStream in;
    private final int[] prefix;
    private int taken;

    Prefixed(InputStream in, int first, int second) {
      this.in = in;
      this.prefix = new int[] {first, second};
    }

    @Override
    public int read() throws IOException {
      return taken < prefix.length ? prefix[taken++] : in.read();
    }

    @Override
    public int read(byte[] into, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (taken < prefix.length) {
        into[off] = (byte) prefix[taken++];
        return 1;
      }
      return in.read(into, off, len);
    }
  }
}
