package dev.debforge.oci;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds small layer tars for tests, the way GNU tar lays them out (PAX, numeric ids). */
final class TarBuilder implements AutoCloseable {

  static final Date MTIME = new Date(1_700_000_000_000L);

  private final TarArchiveOutputStream out;

  TarBuilder(Path file) throws IOException {
    OutputStream stream = Files.newOutputStream(file);
    out = new TarArchiveOutputStream(stream);
    out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  TarBuilder dir(String name, int mode) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
    e.setMode(040000 | mode);
    return put(e, null);
  }

  TarBuilder file(String name, String content) throws IOException {
    return file(name, content, 0644, 0, 0);
  }

  TarBuilder file(String name, String content, int mode, int uid, int gid) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setMode(0100000 | mode);
    e.setIds(uid, gid);
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    e.setSize(data.length);
    return put(e, data);
  }

  TarBuilder fileWithXattr(String name, String content, String xattr, String value)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(0100644);
    e.addPaxHeader("SCHILY.xattr." + xattr, value);
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    e.setSize(data.length);
    return put(e, data);
  }

  /** A regular file of {@code size} zero bytes, with {@code tail} after them when not null. */
  TarBuilder zeros(String name, long size, String tail) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setMode(0100644);
    byte[] end = tail == null ? new byte[0] : tail.getBytes(StandardCharsets.UTF_8);
    e.setSize(size + end.length);
    e.setModTime(MTIME);
    out.putArchiveEntry(e);
    byte[] block = new byte[1 << 16];
    for (long left = size; left > 0; left -= block.length) {
      out.write(block, 0, (int) Math.min(left, block.length));
    }
    out.write(end);
    out.closeArchiveEntry();
    return this;
  }

  TarBuilder symlink(String name, String target) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
    e.setLinkName(target);
    e.setMode(0120777);
    return put(e, null);
  }

  TarBuilder hardlink(String name, String target) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK);
    e.setLinkName(target);
    return put(e, null);
  }

  TarBuilder fifo(String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_FIFO);
    e.setMode(010644);
    return put(e, null);
  }

  TarBuilder charDevice(String name, int major, int minor) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_CHR);
    e.setMode(020666);
    e.setDevMajor(major);
    e.setDevMinor(minor);
    return put(e, null);
  }

  private TarBuilder put(TarArchiveEntry e, byte[] data) throws IOException {
    e.setModTime(MTIME);
    out.putArchiveEntry(e);
    if (data != null) {
      out.write(data);
    }
    out.closeArchiveEntry();
    return this;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
