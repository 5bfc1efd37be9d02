package dev.debforge.stage.extract;

import dev.debforge.plugin.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel arguments an image asks for in {@code /usr/lib/bootc/kargs.d/*.toml}, read the way
 * bootc reads them: files in name order, each with a {@code kargs} array of strings and an
 * optional {@code match-architectures} array that limits the file to some architectures, in
 * bootc's (Rust's) naming: {@code x86_64}, {@code aarch64}.
 *
 * <p>Only the small part of TOML these files use is understood: comments, {@code key = value}
 * lines whose value is a string or an array of strings (which may span lines), basic strings
 * with escapes and literal strings. Anything else is reported with its file and line, since a
 * silently dropped karg would surface only as a machine that does not boot.
 */
public final class KargsD {

  static final String DIR = "usr/lib/bootc/kargs.d";

  /** What one file says. */
  record File(List<String> kargs, List<String> matchArchitectures) {}

  private KargsD() {}

  /** The kernel arguments of the image at {@code root} for a Debian architecture. */
  public static List<String> read(Path root, String debianArchitecture)
      throws IOException, BadInputException {
    Path dir = root.resolve(DIR);
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.toml")) {
        for (Path entry : entries) {
          if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
            files.add(entry);
          }
        }
      }
    }
    files.sort(null);
    String arch = bootcArchitecture(debianArchitecture);
    List<String> kargs = new ArrayList<>();
    for (Path file : files) {
      File parsed =
          parse(Files.readString(file, StandardCharsets.UTF_8), "/" + root.relativize(file));
      if (parsed.matchArchitectures() == null || parsed.matchArchitectures().contains(arch)) {
        kargs.addAll(parsed.kargs());
      }
    }
    return kargs;
  }

  /** bootc's name of a Debian architecture. */
  static String bootcArchitecture(String debianArchitecture) {
    return switch (debianArchitecture) {
      case "amd64" -> "x86_64";
      case "arm64" -> "aarch64";
      case "ppc64el" -> "powerpc64";
      case "riscv64" -> "riscv64";
      case "s390x" -> "s390x";
      default -> debianArchitecture;
    };
  }

  /**
   * Parses one file.
   *
   * @param name the file's path in the image, for messages
   */
  static File parse(String text, String name) throws BadInputException {
    return new Parser(text, name).file();
  }

  /** A cursor over one file's text. */
  private static final class Parser {
    private final String text;
    private final String name;
    private int pos;

    Parser(String text, String name) {
      this.text = text;
      this.name = name;
    }

    File file() throws BadInputException {
      List<String> kargs = null;
      List<String> arches = null;
      while (true) {
        skipBlankAndComments(true);
        if (pos >= text.length()) {
          break;
        }
        int keyLine = line();
        String key = key();
        skipBlankAndComments(false);
        expect('=');
        skipBlankAndComments(false);
        switch (key) {
          case "kargs" -> {
            if (kargs != null) {
              throw error("'kargs' is set twice", keyLine);
            }
            kargs = stringArray();
          }
          case "match-architectures" -> {
            if (arches != null) {
              throw error("'match-architectures' is set twice", keyLine);
            }
            arches = stringArray();
          }
          default ->
              throw error(
                  "unknown key '" + key + "'; bootc knows kargs and match-architectures",
                  keyLine);
        }
        skipBlankAndComments(false);
        if (pos < text.length() && text.charAt(pos) != '\n') {
          throw error("unexpected '" + text.charAt(pos) + "' after the value", line());
        }
      }
      if (kargs == null) {
        throw error("the file has no 'kargs' array", line());
      }
      return new File(kargs, arches);
    }

    private String key() throws BadInputException {
      int start = pos;
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
          pos++;
        } else {
          break;
        }
      }
      if (start == pos) {
        throw error("expected a key such as 'kargs'", line());
      }
      return text.substring(start, pos);
    }

    private List<String> stringArray() throws BadInputException {
      expect('[');
      List<String> values = new ArrayList<>();
      while (true) {
        skipBlankAndComments(true);
        if (peek() == ']') {
          pos++;
          return values;
        }
        values.add(string());
        skipBlankAndComments(true);
        if (peek() == ',') {
          pos++;
        } else if (peek() != ']') {
          throw error("expected ',' or ']' in the array", line());
        }
      }
    }

    private String string() throws BadInputException {
      char quote = peek();
      if (quote != '"' && quote != '\'') {
        throw error("expected a quoted string", line());
      }
      int startLine = line();
      pos++;
      StringBuilder value = new StringBuilder();
      while (true) {
        if (pos >= text.length() || text.charAt(pos) == '\n') {
          throw error("unterminated string", startLine);
        }
        char c = text.charAt(pos++);
        if (c == quote) {
          return value.toString();
        }
        if (c == '\\' && quote == '"') {
          escape(value);
        } else {
          value.append(c);
        }
      }
    }

    private void escape(StringBuilder value) throws BadInputException {
      if (pos >= text.length()) {
        throw error("unterminated escape", line());
      }
      char c = text.charAt(pos++);
      switch (c) {
        case '"' -> value.append('"');
        case '\\' -> value.append('\\');
        case 'b' -> value.append('\b');
        case 't' -> value.append('\t');
        case 'n' -> value.append('\n');
        case 'f' -> value.append('\f');
        case 'r' -> value.append('\r');
        case 'e' -> value.append('\u001b');
        case 'u' -> value.appendCodePoint(hex(4));
        case 'U' -> value.appendCodePoint(hex(8));
        default -> throw error("unknown escape '\\" + c + "'", line());
      }
    }

    private int hex(int digits) throws BadInputException {
      if (pos + digits > text.length()) {
        throw error("short unicode escape", line());
      }
      String hex = text.substring(pos, pos + digits);
      pos += digits;
      try {
        int code = Integer.parseInt(hex, 16);
        if (!Character.isValidCodePoint(code)) {
          throw error("unicode escape " + hex + " is not a code point", line());
        }
        return code;
      } catch (NumberFormatException e) {
        throw error("bad unicode escape '" + hex + "'", line());
      }
    }

    /** Skips spaces, tabs and comments, and newlines too when {@code newlines} is true. */
    private void skipBlankAndComments(boolean newlines) {
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n')) {
          pos++;
        } else if (c == '#') {
          while (pos < text.length() && text.charAt(pos) != '\n') {
            pos++;
          }
        } else {
          return;
        }
      }
    }

    private void expect(char c) throws BadInputException {
      if (peek() != c) {
        throw error("expected '" + c + "'", line());
      }
      pos++;
    }

    private char peek() {
      return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private int line() {
      int line = 1;
      for (int i = 0; i < pos && i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          line++;
        }
      }
      return line;
    }

    private BadInputException error(String problem, int line) {
      return new BadInputException(
          name + ":" + line + ": " + problem,
          "write it as bootc documents it: kargs = [\"console=ttyS0\", \"quiet\"]");
    }
  }
}
