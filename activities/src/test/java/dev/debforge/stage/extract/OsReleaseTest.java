package dev.debforge.stage.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsReleaseTest {

  @TempDir Path root;

  @Test
  void parsesQuotedUnquotedAndEscapedValues() {
    Map<String, String> values =
        OsRelease.parse(
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
                + "# a comment\n"
                + "ID=debian\n"
                + "VERSION_CODENAME=bookworm\n"
                + "NAME='Single Quoted'\n"
                + "VARIANT=\"say \\\"hi\\\" \\$HOME\"\n"
                + "not a line\n"
                + "BROKEN=\"unterminated\n");
    assertEquals("Debian GNU/Linux 12 (bookworm)", values.get("PRETTY_NAME"));
    assertEquals("debian", values.get("ID"));
    assertEquals("bookworm", values.get("VERSION_CODENAME"));
    assertEquals("Single Quoted", values.get("NAME"));
    assertEquals("say \"hi\" $HOME", values.get("VARIANT"));
    assertFalse(values.containsKey("BROKEN"));
  }

  @Test
  void prefersUsrLibOverEtc() throws Exception {
    Files.createDirectories(root.resolve("usr/lib"));
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("usr/lib/os-release"), "ID=debian\n");
    Files.writeString(root.resolve("etc/os-release"), "ID=other\n");
    assertEquals("debian", OsRelease.read(root).get("ID"));
  }

  @Test
  void neverFollowsASymlinkOutOfTheImage() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    Files.createSymbolicLink(root.resolve("etc/os-release"), Path.of("/etc/os-release"));
    assertEquals(Map.of(), OsRelease.read(root));
  }
}
