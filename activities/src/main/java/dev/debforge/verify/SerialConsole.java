package dev.debforge.verify;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The guest's serial console, read from qemu's unix socket.
 *
 * <p>A reader thread appends everything that arrives to the transcript and to a log file, as it
 * came. Matching ({@link #expect}) runs on a cleaned copy without ANSI escape sequences, carriage
 * returns or other control characters, since firmware and getty paint the screen with them. Each
 * match consumes the text up to its end, so the next {@code expect} only sees newer output.
 *
 * <p>The console is read from the socket, never from qemu's chardev logfile: that file sometimes
 * doubles characters.
 */
public final class SerialConsole implements AutoCloseable {

  private final SocketChannel channel;
  private final Writer log;
  private final Thread reader;
  private final StringBuilder transcript = new StringBuilder();
  private final Cleaner clean = new Cleaner();
  private int cursor;
  private boolean closed;
  private IOException readFailure;

  private SerialConsole(SocketChannel channel, Writer log) {
    this.channel = channel;
    this.log = log;
    this.reader = new Thread(this::pump, "serial-console");
    reader.setDaemon(true);
  }

  /**
   * Connects to the socket, retrying while qemu has not created it yet.
   *
   * @param socket the path qemu listens on
   * @param timeout how long to keep trying
   * @param stillWorthTrying checked between attempts; when it turns false (qemu exited), the
   *     connection fails at once
   * @param logFile receives the full transcript
   */
  public static SerialConsole connect(
      Path socket, Duration timeout, BooleanSupplier stillWorthTrying, Path logFile)
      throws IOException, InterruptedException {
    return connect(socket, timeout, stillWorthTrying, logFile, false);
  }

  /**
   * The same, adding to the log file when {@code append} (the next boot of one verification)
   * instead of starting it anew.
   */
  public static SerialConsole connect(
      Path socket, Duration timeout, BooleanSupplier stillWorthTrying, Path logFile,
      boolean append)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
    IOException last = null;
    while (System.nanoTime() < deadline && stillWorthTrying.getAsBoolean()) {
      SocketChannel channel;
      try {
        channel = SocketChannel.open(address);
      } catch (IOException e) {
        last = e;
        Thread.sleep(50);
        continue;
      }
      // A log that cannot be written is no reason to try again: the connection is closed and
      // the error is the caller's.
      Writer log;
      try {
        log = append
            ? Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND)
            : Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      SerialConsole console = new SerialConsole(channel, log);
      console.reader.start();
      return console;
    }
    throw new IOException(
        "could not connect to the serial console at " + socket
            + (last == null ? "" : ": " + last.getMessage()));
  }

  /** Waits for the literal text to appear in the cleaned output. */
  public String expect(String text, Duration timeout) throws IOException, InterruptedException {
    return expect(Pattern.compile(Pattern.quote(text)), timeout).group();
  }

  /**
   * Waits for the pattern to match the cleaned output that arrived since the previous match.
   *
   * @throws ConsoleTimeoutException when it does not match in time, or the console closes first
   */
  public MatchResult expect(Pattern pattern, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (true) {
        Matcher matcher = pattern.matcher(clean.text());
        if (matcher.find(cursor)) {
          cursor = matcher.end();
          return matcher.toMatchResult();
        }
        long left = deadline - System.nanoTime();
        if (closed || left <= 0) {
          throw new ConsoleTimeoutException(pattern.pattern(), timeout, closed);
        }
        wait(Math.max(1, Math.min(left / 1_000_000, 1_000)));
      }
    }
  }

  /** The cleaned text from the end of the previous match up to the given absolute position. */
  synchronized String cleanedSince(int from, int to) {
    return clean.text().substring(from, to);
  }

  /** Where the next {@code expect} starts, in the cleaned output. */
  synchronized int position() {
    return cursor;
  }

  /** Types the text into the guest's console, as is; add {@code "\n"} to press Enter. */
  public void send(String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    synchronized (channel) {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    }
  }

  /** Everything received, as it came. */
  public synchronized String transcript() {
    return transcript.toString();
  }

  /** The last lines of the cleaned output, for error messages. */
  public synchronized String tail(int lines) {
    return linesBefore(clean.text().length(), lines);
  }

  /**
   * The lines of the cleaned output that end at {@code end} (a match's {@link MatchResult#end()}),
   * at most {@code lines} of them: what the screen showed at that moment.
   */
  public synchronized String linesBefore(int end, int lines) {
    String text = clean.text().subSequence(0, end).toString().stripTrailing();
    int at = text.length();
    for (int i = 0; i < lines && at > 0; i++) {
      at = text.lastIndexOf('\n', at - 1);
      if (at < 0) {
        at = 0;
      }
    }
    return text.substring(at == 0 ? 0 : at + 1);
  }

  /** Whether the guest side has closed the console (qemu exited). */
  public synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public void close() throws IOException {
    channel.close();
    try {
      reader.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      log.close();
    }
  }

  private void pump() {
    char[] buffer = new char[4096];
    try (Reader in =
        new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8)) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (this) {
          transcript.append(buffer, 0, n);
          clean.append(buffer, n);
          log.write(buffer, 0, n);
          log.flush();
          notifyAll();
        }
      }
    } catch (IOException e) {
      synchronized (this) {
        if (channel.isOpen()) {
          readFailure = e;
        }
      }
    } finally {
      synchronized (this) {
        closed = true;
        notifyAll();
      }
    }
  }

  /** The read error that ended the console early, or {@code null}. */
  public synchronized IOException readFailure() {
    return readFailure;
  }

  /**
   * Drops ANSI escape sequences (CSI, OSC and two-character ones), carriage returns and other
   * control characters except newline and tab. It keeps its state between chunks, because a
   * sequence may be split across two reads.
   */
  static final class Cleaner {
    private enum State { TEXT, ESCAPE, CSI, OSC, OSC_ESCAPE }

    private final StringBuilder out = new StringBuilder();
    private State state = State.TEXT;

    void append(char[] chars, int length) {
      for (int i = 0; i < length; i++) {
        accept(chars[i]);
      }
    }

    void append(String text) {
      append(text.toCharArray(), text.length());
    }

    StringBuilder text() {
      return out;
    }

    private void accept(char c) {
      switch (state) {
        case TEXT -> {
          if (c == 0x1b) {
            state = State.ESCAPE;
          } else if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f)) {
            out.append(c);
          }
        }
        case ESCAPE -> state = c == '[' ? State.CSI : c == ']' ? State.OSC : State.TEXT;
        case CSI -> {
          if (c >= 0x40 && c <= 0x7e) {
            state = State.TEXT;
          }
        }
        case OSC -> {
          if (c == 0x07) {
            state = State.TEXT;
          } else if (c == 0x1b) {
            state = State.OSC_ESCAPE;
          }
        }
        case OSC_ESCAPE -> state = State.TEXT;
      }
    }
  }
}
