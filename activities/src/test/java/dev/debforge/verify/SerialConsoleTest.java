package dev.debforge.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SerialConsoleTest {

  @TempDir Path dir;

  @Test
  void waitsForTheSocketThenMatchesCleanedTextAndSends() throws Exception {
    Path socket = dir.resolve("s.sock");
    try (FakeConsole fake = new FakeConsole(socket, FakeConsole.BOOT, "pw")) {
      fake.start(List.of("qemu"));
      try (SerialConsole console =
          SerialConsole.connect(socket, Duration.ofSeconds(5), fake::isAlive, dir.resolve("l"))) {
        console.expect("SeaBIOS (version test)", Duration.ofSeconds(5));
        console.expect("debian login: ", Duration.ofSeconds(5));
        console.send("root\n");
        console.expect("Password: ", Duration.ofSeconds(5));
        console.send("pw\n");
        console.send("echo DEBFORGE-REA''DY\n");
        var ready = console.expect(Pattern.compile("(?m)^DEBFORGE-READY$"), Duration.ofSeconds(5));
        assertEquals("DEBFORGE-READY", ready.group());
        assertTrue(console.transcript().contains("\u001b[2J"));
        assertTrue(Files.readString(dir.resolve("l")).contains("\u001b[2J"));
        console.send("systemctl poweroff\n");
      }
    }
  }

  @Test
  void aLogThatCannotBeWrittenFailsAtOnceAndLeavesNoConnectionOpen() throws Exception {
    Path socket = dir.resolve("s.sock");
    try (java.nio.channels.ServerSocketChannel server =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      server.bind(java.net.UnixDomainSocketAddress.of(socket));
      long started = System.nanoTime();
      assertThrows(java.io.IOException.class, () -> SerialConsole.connect(socket,
          Duration.ofSeconds(20), () -> true, dir.resolve("no-such-dir/log")));
      assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos(),
          "not tried again until the timeout");
      try (java.nio.channels.SocketChannel accepted = server.accept()) {
        assertEquals(-1, accepted.read(java.nio.ByteBuffer.allocate(1)),
            "the console's side of the connection is closed");
      }
      server.configureBlocking(false);
      assertEquals(null, server.accept(), "one connection, not one per try");
    }
  }

  @Test
  void expectTimesOutWithThePattern() throws Exception {
    Path socket = dir.resolve("s.sock");
    try (FakeConsole fake = new FakeConsole(socket, "nothing useful\r\n", "pw")) {
      fake.start(List.of("qemu"));
      try (SerialConsole console =
          SerialConsole.connect(socket, Duration.ofSeconds(5), fake::isAlive, dir.resolve("l"))) {
        ConsoleTimeoutException e =
            assertThrows(
                ConsoleTimeoutException.class,
                () -> console.expect("login: ", Duration.ofMillis(300)));
        assertTrue(e.getMessage().contains("login: "));
        assertEquals("nothing useful", console.tail(40));
      }
    }
  }

  @Test
  void cleanerDropsEscapesSplitAcrossChunksAndCarriageReturns() {
    SerialConsole.Cleaner cleaner = new SerialConsole.Cleaner();
    cleaner.append("\u001bc\u001b[?7");
    cleaner.append("l\u001b[2J\u001b[01;01HBdsDxe: loading\r\n\u001b]0;title\u0007ok\u001b[=3h!");
    assertEquals("BdsDxe: loading\nok!", cleaner.text().toString());
  }
}
