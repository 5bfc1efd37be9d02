package dev.debforge.stage.initramfs;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.debforge.store.Sha256;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The paths inside an initramfs (and what each holds), read on the host: what {@code lsinitrd}
 * lists, without running it in the image (under qemu-user for a foreign architecture) and without
 * decompressing to a pipe.
 *
 * <p>The file is read as the kernel unpacks it: zero bytes are skipped, then comes either a cpio
 * archive in the "newc" format or a compressed stream holding cpio archives, and after either
 * the same again, to the end of the file. dracut writes an uncompressed early archive
 * (microcode) when it has one, then the main archive through its compressor. This reads
 * uncompressed archives and gzip streams (each member apart, so what follows one is read as
 * the kernel reads it); a stream compressed otherwise (zstd, xz, lz4, which a dracut.conf.d in
 * the image can choose) gives {@link Optional#empty()}, and the caller asks lsinitrd.
 */
public final class InitramfsListing {

  private static final int HEADER = 110;
  private static final String TRAILER = "TRAILER!!!";
  private static final int BUFFER = 1 << 16;

  private InitramfsListing() {}

  /** {@link #read} of the initramfs dracut writes for kernel {@code kver} in {@code root}. */
  public static Optional<Set<String>> ofKernel(Path root, String kver) throws IOException {
    return read(root.resolve(Dracut.initramfsPath(kver).substring(1)));
  }

  /**
   * The paths of every archive in {@code image}, relative ({@code usr/lib/…}), or empty when a
   * part of it is compressed in a format this does not read.
   *
   * @throws Malformed when the file is not a well-formed initramfs
   * @throws IOException when it cannot be read
   */
  public static Optional<Set<String>> read(Path image) throws IOException {
    Set<String> names = new TreeSet<>();
    return visit(image, (header, content) -> {
      if (!header.path().isEmpty()) {
        names.add(header.path());
        skip(content, header.size());
      }
    }) ? Optional.of(names) : Optional.empty();
  }

  /**
   * Every entry of {@code image} with what it holds: the SHA-256 of a regular file's bytes, the
   * target of a symbolic link; or empty, as {@link #read}. Hard links of one file (newc stores
   * the bytes with the last of them only, the others are empty) all get the file's SHA-256.
   */
  public static Optional<Map<String, Entry>> entries(Path image) throws IOException {
    Map<String, Entry> entries = new TreeMap<>();
    Map<String, List<String>> links = new HashMap<>();
    Map<String, Entry> linked = new HashMap<>();
    int[] archive = {0};
    boolean read = visit(image, (header, content) -> {
      if (header.path().isEmpty()) {
        archive[0]++; // a trailer: inode numbers start again
        return;
      }
      Entry entry = Entry.read(header.mode(), content, header.size());
      entries.put(header.path(), entry);
      if (entry.regular() && header.links() > 1) {
        String inode = archive[0] + ":" + header.inode();
        links.computeIfAbsent(inode, k -> new ArrayList<>()).add(header.path());
        if (header.size() > 0) {
          linked.put(inode, entry);
        }
      }
    });
    links.forEach((inode, paths) -> {
      Entry data = linked.get(inode);
      if (data != null) {
        paths.forEach(path -> entries.put(path, data));
      }
    });
    return read ? Optional.of(entries) : Optional.empty();
  }

  /** The text of the regular file at {@code path} in {@code image}, if it has one (UTF-8). */
  public static Optional<String> text(Path image, String path) throws IOException {
    String[] text = {null};
    visit(image, (header, content) -> {
      if (header.path().equals(path) && (header.mode() & 0170000) == 0100000
          && header.size() <= 1 << 20) {
        text[0] = new String(content.readNBytes((int) header.size()), StandardCharsets.UTF_8);
      } else {
        skip(content, header.size());
      }
    });
    return Optional.ofNullable(text[0]);
  }

  /** An entry of the initramfs: its mode bits and type, and its content as {@link #content}. */
  public record Entry(long mode, String content) {
    private static final long TYPE = 0170000;
    private static final long REGULAR = 0100000;
    private static final long LINK = 0120000;

    public boolean regular() {
      return (mode & TYPE) == REGULAR;
    }

    public boolean link() {
      return (mode & TYPE) == LINK;
    }

    static Entry read(long mode, InputStream in, long size) throws IOException {
      if ((mode & TYPE) == LINK) {
        byte[] target = in.readNBytes((int) Math.min(size, 4096));
        skip(in, size - target.length);
        return new Entry(mode, new String(target, StandardCharsets.UTF_8));
      }
      if ((mode & TYPE) != REGULAR) {
        skip(in, size);
        return new Entry(mode, "");
      }
      MessageDigest sha = Sha256.newDigest();
      byte[] buffer = new byte[BUFFER];
      long left = size;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new EOFException("the initramfs ends inside a cpio entry");
        }
        sha.update(buffer, 0, n);
        left -= n;
      }
      return new Entry(mode, HexFormat.of().formatHex(sha.digest()));
    }
  }

  /** A cpio entry's header: an empty path marks an archive's trailer. */
  private record Header(String path, long inode, long mode, long links, long size) {}

  /**
   * What is done with each entry; it reads exactly {@code header.size()} bytes of {@code
   * content}.
   */
  private interface Visitor {
    void entry(Header header, InputStream content) throws IOException;
  }

  /** Hands every entry to {@code visitor}; false when a part is in a format this does not read. */
  private static boolean visit(Path image, Visitor visitor) throws IOException {
    try (PushbackInputStream in =
        new PushbackInputStream(new BufferedInputStream(Files.newInputStream(image), BUFFER),
            BUFFER)) {
      while (true) {
        int first = skipZeros(in);
        if (first < 0) {
          return true;
        }
        int second = in.read();
        if (first == '0' && second == '7') {
          readArchive(in, visitor, "07");
        } else if (first == 0x1f && second == 0x8b) {
          try (GzipMember member = new GzipMember(in)) {
            // A compressed stream holds one or more archives, as an uncompressed part does.
            for (int next = skipZeros(member); next >= 0; next = skipZeros(member)) {
              readArchive(member, visitor, String.valueOf((char) next));
            }
            member.finish();
          }
        } else {
          return false;
        }
      }
    } catch (EOFException e) {
      throw new Malformed("cut short (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Reads one archive's entries up to its trailer, handing them to {@code visitor}.
   *
   * @param read the first bytes of the first header, already read from {@code in}
   */
  private static void readArchive(InputStream in, Visitor visitor, String read)
      throws IOException {
    byte[] header = new byte[HEADER];
    int offset = read.length();
    System.arraycopy(read.getBytes(StandardCharsets.ISO_8859_1), 0, header, 0, offset);
    while (true) {
      readFully(in, header, offset, HEADER - offset);
      offset = 0;
      String magic = new String(header, 0, 6, StandardCharsets.ISO_8859_1);
      if (!magic.equals("070701") && !magic.equals("070702")) {
        throw new Malformed("not a newc cpio header: " + printable(magic), null);
      }
      long inode = hex(header, 6);
      long mode = hex(header, 14);
      long links = hex(header, 38);
      long fileSize = hex(header, 54);
      long nameSize = hex(header, 94);
      if (nameSize < 1 || nameSize > 4096) {
        throw new Malformed("a cpio entry with a name of " + nameSize + " bytes", null);
      }
      byte[] name = new byte[(int) nameSize];
      readFully(in, name, 0, name.length);
      skip(in, pad(HEADER + nameSize));
      String path = new String(name, 0, name.length - 1, StandardCharsets.UTF_8);
      if (path.equals(TRAILER)) {
        skip(in, fileSize + pad(fileSize));
        visitor.entry(new Header("", 0, 0, 0, 0), InputStream.nullInputStream());
        return;
      }
      String relative = path.replaceFirst("^(\\./|/)+", "");
      if (!relative.isEmpty() && !relative.equals(".")) {
        visitor.entry(new Header(relative, inode, mode, links, fileSize), in);
      } else {
        skip(in, fileSize);
      }
      skip(in, pad(fileSize));
    }
  }

  /** The bytes that align {@code length} to four. */
  private static long pad(long length) {
    return (4 - length % 4) % 4;
  }

  private static long hex(byte[] header, int at) throws Malformed {
    long value = 0;
    for (int i = at; i < at + 8; i++) {
      int digit = Character.digit(header[i], 16);
      if (digit < 0) {
        throw new Malformed("a cpio header field is not hexadecimal: "
            + printable(new String(header, at, 8, StandardCharsets.ISO_8859_1)), null);
      }
      value = value << 4 | digit;
    }
    return value;
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

  /**
   * One gzip member (RFC 1952) of {@code in}, decompressed, whose magic was already read. What
   * the inflater took beyond the member's end goes back to {@code in}, so the caller reads on
   * from the byte after the member's trailer.
   */
  private static final class GzipMember extends InputStream {
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final PushbackInputStream in;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] input = new byte[BUFFER];
    private final byte[] one = new byte[1];
    /** How many bytes of {@link #input} the inflater was last given. */
    private int lastInput;
    private long size;

    GzipMember(PushbackInputStream in) throws IOException {
      this.in = in;
      // The method, the flags, the modification time, the extra flags, the operating system.
      byte[] header = new byte[8];
      readFully(in, header, 0, 8);
      if (header[0] != 8) {
        throw new Malformed("a gzip stream that is not deflate-compressed", null);
      }
      int flags = header[1];
      if ((flags & FEXTRA) != 0) {
        byte[] length = new byte[2];
        readFully(in, length, 0, 2);
        InitramfsListing.skip(in, (length[0] & 0xff) | (length[1] & 0xff) << 8);
      }
      if ((flags & FNAME) != 0) {
        skipZeroTerminated();
      }
      if ((flags & FCOMMENT) != 0) {
        skipZeroTerminated();
      }
      if ((flags & FHCRC) != 0) {
        InitramfsListing.skip(in, 2);
      }
    }

    private void skipZeroTerminated() throws IOException {
      int b;
      do {
        b = in.read();
        if (b < 0) {
          throw new EOFException("the initramfs ends inside a gzip header");
        }
      } while (b != 0);
    }

    @Override
    public int read() throws IOException {
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      try {
        while (true) {
          int n = inflater.inflate(into, off, len);
          if (n > 0) {
            crc.update(into, off, n);
            size += n;
            return n;
          }
          if (inflater.finished()) {
            return -1;
          }
          if (inflater.needsDictionary()) {
            throw new Malformed("a gzip stream that needs a preset dictionary", null);
          }
          int got = in.read(input, 0, input.length);
          if (got < 0) {
            throw new EOFException("the initramfs ends inside a gzip stream");
          }
          lastInput = got;
          inflater.setInput(input, 0, got);
        }
      } catch (DataFormatException e) {
        throw new Malformed("a corrupt gzip stream (" + e.getMessage() + ")", e);
      }
    }

    /**
     * Reads what is left of the member, returns the inflater's unused input to {@code in} and
     * checks the trailer's CRC-32 and length.
     */
    void finish() throws IOException {
      byte[] rest = new byte[BUFFER];
      while (read(rest, 0, rest.length) >= 0) {
        // Data after the last archive's trailer, which the kernel skips as padding.
      }
      int remaining = inflater.getRemaining();
      if (remaining > 0) {
        in.unread(input, lastInput - remaining, remaining);
      }
      byte[] trailer = new byte[8];
      readFully(in, trailer, 0, 8);
      if (littleEndian(trailer, 0) != crc.getValue()
          || littleEndian(trailer, 4) != (size & 0xffffffffL)) {
        throw new Malformed("a gzip stream whose checksum or length does not match its data",
            null);
      }
    }

    private static long littleEndian(byte[] bytes, int at) {
      return (bytes[at] & 0xffL)
          | (bytes[at + 1] & 0xffL) << 8
          | (bytes[at + 2] & 0xffL) << 16
          | (bytes[at + 3] & 0xffL) << 24;
    }

    @Override
    public void close() {
      inflater.end();
    }
  }
}
