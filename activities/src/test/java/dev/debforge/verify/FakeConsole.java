package dev.debforge.verify;

import dev.debforge.plugin.ToolException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A scripted guest on a unix socket, standing in for qemu's serial chardev: boot noise with
 * escape sequences, {@code debian login: }, {@code Password: }, then a shell that answers the
 * verifier's markers. Also a {@link ProcessLauncher} whose "process" is this server.
 */
final class FakeConsole implements ProcessLauncher, ProcessLauncher.Running {

  static final String BOOT =
      "\u001bc\u001b[?7l\u001b[2JSeaBIOS (version test)\r\nBooting from Hard Disk...\r\n"
          + "[    0.000000] Linux version 6.1.0-test (debian)\r\n"
          + "Debian GNU/Linux 12 debian ttyS0\r\n\r\ndebian login: ";

  private static final String BEGIN = "echo DEBFORGE-BEG''IN; ";
  private static final String END = "; echo \"DEBFORGE-END $?\"";

  private final Path socket;
  private final String boot;
  private final String password;
  private volatile boolean alive;
  private int boots = 1;
  /**
   * Whether the tty drops input while login hands over to the shell, as real guests do: each line
   * typed in the first two seconds after the password loses its first five characters, and what
   * is left is echoed, not run.
   */
  volatile boolean dropsInputAtLogin;
  /** Whether the guest's user may not reboot, as a user without polkit's leave is refused. */
  volatile boolean refuseReboot;
  private volatile List<String> argv;
  private Thread server;
  private ServerSocketChannel listener;

  FakeConsole(Path socket, String boot, String password) {
    this.socket = socket;
    this.boot = boot;
    this.password = password;
  }

  List<String> argv() {
    return argv;
  }

  /** The tools run to their end, such as qemu-img making the overlay. */
  final List<List<String>> tools = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** How many times qemu was started: once, and once more after each reboot. */
  volatile int starts;

  @Override
  public void runToEnd(List<String> argv, java.time.Duration timeout) throws ToolException {
    tools.add(argv);
    try {
      // The overlay qemu-img would make, so that the verifier has a file to remove.
      Files.writeString(Path.of(argv.get(argv.size() - 1)), "overlay");
    } catch (IOException e) {
      throw new ToolException(ToolException.Kind.EXIT_CODE, argv, 1, e.getMessage());
    }
  }

  @Override
  public Running start(List<String> argv) {
    this.argv = argv;
    starts++;
    alive = true;
    server = new Thread(this::serve, "fake-console");
    server.setDaemon(true);
    server.start();
    return this;
  }

  private void serve() {
    try {
      // Like qemu, the socket appears a moment after the process starts.
      Thread.sleep(200);
      // As qemu does, the path of an earlier run's socket is taken over.
      Files.deleteIfExists(socket);
      listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      listener.bind(UnixDomainSocketAddress.of(socket));
      try (SocketChannel guest = listener.accept()) {
        write(guest, boot);
        if (boot.endsWith("login: ")) {
          String user = readLine(guest);
          write(guest, user + "\r\nPassword: ");
          String given = readLine(guest);
          if (!given.equals(password)) {
            write(guest, "\r\nLogin incorrect\r\ndebian login: ");
            readLine(guest);
            return;
          }
          write(guest, "\r\nLast login: never\r\n");
          if (shell(guest)) {
            boots++;
            // The guest's reset ends qemu (-no-reboot); the verifier starts the next boot.
            write(guest, "debian login: [  OK  ] Finished ostree-finalize-staged.service\r\n"
                + "[   42.000000] reboot: Restarting system\r\n");
          }
        } else {
          // A boot that stops: keep the connection open until closed.
          while (alive) {
            Thread.sleep(50);
          }
        }
      }
    } catch (IOException | InterruptedException e) {
      // The test closed the fake; nothing more to play.
    } finally {
      try {
        if (listener != null) {
          listener.close();
        }
      } catch (IOException e) {
        // The fake's socket is the test's temporary file.
      }
      alive = false;
    }
  }

  /** Plays the shell until it powers off (false) or reboots (true). */
  private boolean shell(SocketChannel guest) throws IOException {
    long shellStarts = System.nanoTime() + 2_000_000_000L;
    while (true) {
      String line = readLine(guest);
      if (dropsInputAtLogin && System.nanoTime() < shellStarts) {
        write(guest, line.substring(Math.min(5, line.length())) + "\r\n");
        continue;
      }
      write(guest, "\u001b[1;32mroot@debian\u001b[0m:~# " + line + "\r\n");
      if (line.equals("echo DEBFORGE-REA''DY")) {
        write(guest, "DEBFORGE-READY\r\n");
      } else if (line.equals("systemctl poweroff")) {
        return false;
      } else if (line.equals("systemctl reboot || echo \"DEBFORGE-NO-REBOOT $?\"")) {
        if (refuseReboot) {
          write(guest, "Failed to reboot: Access denied\r\nDEBFORGE-NO-REBOOT 1\r\n");
          continue;
        }
        return true;
      } else if (line.startsWith(BEGIN) && line.endsWith(END)) {
        String command = line.substring(BEGIN.length(), line.length() - END.length());
        // The race seen on real guests: the shell's next prompt lands before the output.
        write(guest, "$ DEBFORGE-BEGIN\r\n");
        switch (command) {
          case "uname -r" -> write(guest, "6.1.0-test\r\nDEBFORGE-END 0\r\n");
          case "false" -> write(guest, "DEBFORGE-END 1\r\n");
          case "printf x" -> write(guest, "xDEBFORGE-END 0\r\n");
          case "cat /proc/sys/kernel/random/boot_id" ->
              write(guest, "boot-" + boots + "\r\nDEBFORGE-END 0\r\n");
          default -> write(guest, "line one\r\nline two\r\nDEBFORGE-END 0\r\n");
        }
      }
    }
  }

  private static void write(SocketChannel channel, String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  private static String readLine(SocketChannel channel) throws IOException {
    StringBuilder line = new StringBuilder();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (true) {
      one.clear();
      if (channel.read(one) < 0) {
        throw new IOException("closed");
      }
      char c = (char) one.get(0);
      if (c == '\n') {
        return line.toString();
      }
      line.append(c);
    }
  }

  @Override
  public boolean isAlive() {
    return alive;
  }

  @Override
  public boolean waitFor(long time, TimeUnit unit) throws InterruptedException {
    server.join(unit.toMillis(time));
    return !alive;
  }

  @Override
  public String stderrTail() {
    return "";
  }

  @Override
  public int exitValue() {
    return 0;
  }

  @Override
  public void close() {
    alive = false;
    try {
      if (listener != null) {
        listener.close();
      }
      server.join(2_000);
    } catch (IOException | InterruptedException e) {
      // Closing a test fake cannot fail the test.
    }
  }
}
