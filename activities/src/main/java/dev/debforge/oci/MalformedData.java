package dev.debforge.oci;

import java.io.EOFException;
import java.nio.file.FileSystemException;
import java.util.zip.ZipException;

/**
 * Tells a read error caused by the data (a compressed stream or a tar archive that ends early
 * or is corrupt, an entry name no Linux file system takes) from one caused by the machine (a
 * full disk, a failing device), and says the
 * former in words: the decoders' own messages ("Unexpected end of ZLIB input stream",
 * "Truncated TAR archive") name neither what was being read nor what is wrong with it.
 */
public final class MalformedData {

  private MalformedData() {}

  /**
   * What is wrong with the data, such as {@code truncated (its gzip stream ends early)}, or null
   * when the exception and its causes are not about the data itself.
   */
  public static String problem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = t.getMessage() == null ? "" : t.getMessage();
      if (message.contains("Unexpected end of ZLIB input stream")) {
        return "truncated (its gzip stream ends early)";
      }
      if (message.contains("Not in GZIP format")) {
        return "not gzip-compressed, though its media type says it is";
      }
      if (t instanceof ZipException) {
        return "corrupt (its gzip stream does not decompress: " + message + ")";
      }
      if (message.contains("Truncated TAR archive")) {
        return "truncated (its tar archive ends in the middle of a file)";
      }
      if (message.contains("Error detected parsing the header")
          || message.contains("Corrupted TAR archive")) {
        return "corrupt (a tar header cannot be read)";
      }
      if (t.getClass().getName().startsWith("io.airlift.compress")) {
        return "corrupt (its zstd stream does not decompress: " + message + ")";
      }
      if (t instanceof EOFException) {
        return "truncated (it ends early)";
      }
      if (t instanceof FileSystemException fs && "File name too long".equals(fs.getReason())) {
        // Linux takes names of up to 255 bytes and paths of up to 4096: no retry makes it fit.
        return "not extractable: an entry's name is longer than a Linux file system takes ("
            + fs.getFile().length() + " characters)";
      }
    }
    return null;
  }
}
