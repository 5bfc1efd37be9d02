package dev.debforge.recipe;

import dev.debforge.plugin.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the small text files a user hands to debforge (a recipe, a {@code --config} file), and
 * refuses, before reading a byte, what is not one: a directory, a FIFO (reading it would wait
 * for a writer forever), a device such as {@code /dev/zero} (endless), or a file larger than
 * {@link #MAX_BYTES}. Every command that reads such a file goes through here, so they all
 * refuse the same things with the same words.
 */
public final class UserFiles {

  /** The largest recipe or config file read: 1 MiB, hundreds of times a real one. */
  public static final int MAX_BYTES = 1 << 20;

  /**
   * The longest line a YAML file may have: SnakeYAML scans a long scalar in time that grows with
   * the square of its length (a 1 MiB line takes seconds), and no recipe or config needs one.
   */
  public static final int MAX_YAML_LINE = 1 << 16;

  private UserFiles() {}

  /** The 1-based number of the first line longer than {@code max} characters, or 0 if none. */
  public static int firstLineLongerThan(String text, int max) {
    int line = 1;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '\n') {
        if (i - start > max) {
          return line;
        }
        line++;
        start = i + 1;
      }
    }
    return 0;
  }

  /**
   * The file's text.
   *
   * @param what what the file is, for messages: {@code recipe}, {@code config file}
   * @throws Refused naming the file and what is wrong with it
   */
  public static String read(Path file, String what) throws Refused {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new Refused(
          file, "the " + what + " does not exist", "check the path and the current directory");
    } catch (IOException e) {
      throw unreadable(file, what, e);
    }
    if (attributes.isDirectory()) {
      throw new Refused(file, "the " + what + " is a directory, not a file", "name the file in it");
    }
    if (!attributes.isRegularFile()) {
      throw new Refused(
          file,
          "the " + what + " is not a regular file (it is a FIFO, a device or a socket), so it"
              + " is not read",
          "save the " + what + " to a file and give that file");
    }
    if (attributes.size() > MAX_BYTES) {
      throw tooLarge(file, what, attributes.size());
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      // The file may have grown since it was measured: never read more than the limit.
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw unreadable(file, what, e);
    }
    if (bytes.length > MAX_BYTES) {
      throw tooLarge(file, what, bytes.length);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new Refused(file, "the " + what + " is not UTF-8 text", "save it as UTF-8 text");
    }
  }

  private static Refused tooLarge(Path file, String what, long size) {
    return new Refused(
        file,
        "the " + what + " is " + size + " bytes, more than the " + (MAX_BYTES >> 20) + " MiB a "
            + what + " may have",
        "a " + what + " is a short text file; check that this is the file you meant");
  }

  private static Refused unreadable(Path file, String what, IOException e) {
    String why =
        e instanceof AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
    return new Refused(
        file,
        "cannot read the " + what + ": " + why,
        "check that the file exists and that you may read it");
  }

  /** A file refused: {@link #getMessage()} names it; {@link #problem()} says only what is wrong. */
  public static final class Refused extends BadInputException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final String problem;

    Refused(Path file, String problem, String hint) {
      super(file + ": " + problem, hint);
      this.file = file;
      this.problem = problem;
    }

    public Path file() {
      return file;
    }

    public String problem() {
      return problem;
    }
  }
}
