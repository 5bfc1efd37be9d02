package dev.debforge.oci;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Watches a tar stream on its way to commons-compress and keeps the raw bytes of the xattrs in
 * each PAX header, by the ordinal of the entry they belong to.
 *
 * <p>This exists because commons-compress decodes every PAX value as UTF-8, which destroys
 * binary xattr values such as {@code security.capability} (a capability set with bit 7, {@code
 * cap_setuid}, is not valid UTF-8). The tap follows the tar block structure itself: a 512-byte
 * header, its data padded to 512 bytes, old-GNU sparse extension headers, and PAX's {@code size}
 * override. Entries are counted the way commons-compress returns them: every header except
 * PAX ({@code x}, {@code X}, {@code g}) and GNU long-name ({@code L}, {@code K}) headers.
 * Xattrs come from {@code SCHILY.xattr.NAME} (GNU tar, raw bytes) and {@code
 * LIBARCHIVE.xattr.NAME} (bsdtar, base64 with a URL-encoded name).
 */
final class PaxXattrTap extends FilterInputStream {

  private static final int BLOCK = 512;
  private static final int MAX_PAX = 16 << 20;

  private enum State {
    HEADER,
    SPARSE_HEADER,
    DATA,
    END
  }

  private final Map<Integer, Map<String, byte[]>> byEntry = new HashMap<>();
  private final byte[] header = new byte[BLOCK];
  private int headerFill;
  private State state = State.HEADER;
  private long dataLeft;
  private long padLeft;
  private ByteArrayOutputStream pax;
  private Map<String, byte[]> pendingXattrs;
  private long pendingSize = -1;
  private int nextEntry;

  PaxXattrTap(InputStream in) {
    super(in);
  }

  /** The raw xattrs of entry {@code ordinal} (from 0), forgotten once taken; empty if none. */
  Map<String, byte[]> take(int ordinal) {
    Map<String, byte[]> found = byEntry.remove(ordinal);
    return found == null ? Map.of() : found;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      observe(new byte[] {(byte) b}, 0, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n > 0) {
      observe(buffer, offset, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes must still be observed.
    byte[] buffer = new byte[(int) Math.min(n, 65536)];
    int read = read(buffer, 0, buffer.length);
    return Math.max(read, 0);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void observe(byte[] buffer, int offset, int length) throws IOException {
    int pos = offset;
    int end = offset + length;
    while (pos < end && state != State.END) {
      switch (state) {
        case HEADER, SPARSE_HEADER -> {
          int take = Math.min(BLOCK - headerFill, end - pos);
          System.arraycopy(buffer, pos, header, headerFill, take);
          headerFill += take;
          pos += take;
          if (headerFill == BLOCK) {
            headerFill = 0;
            if (state == State.HEADER) {
              onHeader();
            } else {
              onSparseHeader();
            }
          }
        }
        case DATA -> {
          long take = Math.min(dataLeft + padLeft, end - pos);
          int data = (int) Math.min(take, dataLeft);
          if (pax != null && data > 0) {
            pax.write(buffer, pos, data);
          }
          dataLeft -= data;
          padLeft -= take - data;
          pos += (int) take;
          if (dataLeft == 0 && padLeft == 0) {
            if (pax != null) {
              parsePax(pax.toByteArray());
              pax = null;
            }
            state = State.HEADER;
          }
        }
        default -> throw new IllegalStateException(state.toString());
      }
    }
  }

  private void onHeader() throws IOException {
    boolean zero = true;
    for (byte b : header) {
      if (b != 0) {
        zero = false;
        break;
      }
    }
    if (zero) {
      state = State.END;
      return;
    }
    byte type = header[156];
    long size = parseSize();
    switch (type) {
      case 'x', 'X' -> {
        if (size > MAX_PAX) {
          throw new IOException("a PAX header of " + size + " bytes is implausibly large");
        }
        pax = new ByteArrayOutputStream((int) size);
        startData(size);
      }
      case 'L', 'K' -> {
        // commons-compress reads a GNU long name or link whole into memory.
        if (size > MAX_PAX) {
          throw new IOException("a GNU long name of " + size + " bytes is implausibly large");
        }
        startData(size);
      }
      case 'g' -> startData(size);
      default -> {
        int ordinal = nextEntry++;
        if (pendingXattrs != null) {
          byEntry.put(ordinal, pendingXattrs);
          pendingXattrs = null;
        }
        if (pendingSize >= 0) {
          size = pendingSize;
          pendingSize = -1;
        }
        dataLeft = size;
        if (type == 'S' && header[482] != 0) {
          state = State.SPARSE_HEADER;
          padLeft = pad(size);
        } else {
          startData(size);
        }
      }
    }
  }

  private void onSparseHeader() {
    if (header[504] == 0) {
      startData(dataLeft);
    }
  }

  private void startData(long size) {
    dataLeft = size;
    padLeft = pad(size);
    state = size == 0 ? State.HEADER : State.DATA;
  }

  private static long pad(long size) {
    return (BLOCK - size % BLOCK) % BLOCK;
  }

  private long parseSize() {
    if ((header[124] & 0x80) != 0) {
      long value = 0;
      for (int i = 125; i < 136; i++) {
        value = (value << 8) | (header[i] & 0xff);
      }
      return value;
    }
    long value = 0;
    for (int i = 124; i < 136; i++) {
      byte b = header[i];
      if (b >= '0' && b <= '7') {
        value = value * 8 + (b - '0');
      } else if (b == 0 || (b == ' ' && value > 0)) {
        break;
      }
    }
    return value;
  }

  /** Parses "LENGTH key=value\n" records, keeping values as bytes. */
  private void parsePax(byte[] data) {
    int pos = 0;
    while (pos < data.length) {
      int space = pos;
      int length = 0;
      while (space < data.length && data[space] >= '0' && data[space] <= '9') {
        length = length * 10 + (data[space] - '0');
        space++;
      }
      if (space >= data.length || data[space] != ' ' || length <= 0 || pos + length > data.length) {
        return;
      }
      int keyStart = space + 1;
      int recordEnd = pos + length - 1;
      int equals = keyStart;
      while (equals < recordEnd && data[equals] != '=') {
        equals++;
      }
      if (equals < recordEnd) {
        String key = new String(data, keyStart, equals - keyStart, StandardCharsets.UTF_8);
        byte[] value = java.util.Arrays.copyOfRange(data, equals + 1, recordEnd);
        onPaxRecord(key, value);
      }
      pos += length;
    }
  }

  private void onPaxRecord(String key, byte[] value) {
    if (key.startsWith("SCHILY.xattr.")) {
      xattrs().put(key.substring("SCHILY.xattr.".length()), value);
    } else if (key.startsWith("LIBARCHIVE.xattr.")) {
      try {
        String name =
            URLDecoder.decode(
                key.substring("LIBARCHIVE.xattr.".length()), StandardCharsets.UTF_8);
        xattrs().putIfAbsent(name, Base64.getDecoder().decode(value));
      } catch (IllegalArgumentException e) {
        // A name that is not URL-encoded or a value that is not base64: leave it to the SCHILY
        // form if there is one.
      }
    } else if (key.equals("size")) {
      try {
        pendingSize = Long.parseLong(new String(value, StandardCharsets.US_ASCII).trim());
      } catch (NumberFormatException e) {
        pendingSize = -1;
      }
    }
  }

  private Map<String, byte[]> xattrs() {
    if (pendingXattrs == null) {
      pendingXattrs = new LinkedHashMap<>();
    }
    return pendingXattrs;
  }
}
