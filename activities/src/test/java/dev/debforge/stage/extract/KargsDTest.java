package dev.debforge.stage.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.debforge.plugin.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KargsDTest {

  @TempDir Path root;

  @Test
  void readsFilesInNameOrderAndJoinsTheirArguments() throws Exception {
    write("20-console.toml", "kargs = [\"console=ttyS0,115200\"]\n");
    write("10-base.toml", "# base\nkargs = [\"quiet\", \"splash\"]\n");
    write("README", "kargs = [\"ignored\"]\n");
    assertEquals(
        List.of("quiet", "splash", "console=ttyS0,115200"), KargsD.read(root, "amd64"));
  }

  @Test
  void skipsFilesForOtherArchitecturesInBootcNaming() throws Exception {
    write("10-x86.toml", "kargs = [\"nomodeset\"]\nmatch-architectures = [\"x86_64\"]\n");
    write("20-arm.toml", "match-architectures = [\"aarch64\"]\nkargs = [\"earlycon\"]\n");
    write("30-both.toml", "kargs = [\"rd.debug\"]\nmatch-architectures = [\"x86_64\", \"aarch64\"]");
    assertEquals(List.of("nomodeset", "rd.debug"), KargsD.read(root, "amd64"));
    assertEquals(List.of("earlycon", "rd.debug"), KargsD.read(root, "arm64"));
  }

  @Test
  void anImageWithoutKargsDirHasNoArguments() throws Exception {
    assertEquals(List.of(), KargsD.read(root, "amd64"));
  }

  @Test
  void decodesBasicStringEscapesAndKeepsLiteralStringsAsWritten() throws Exception {
    KargsD.File file =
        KargsD.parse(
            "kargs = [\"a=\\\"quoted\\\"\", \"back\\\\slash\", \"tab\\there\", \"\\u00e9\","
                + " 'lit\\eral']\n",
            "/x.toml");
    assertEquals(
        List.of("a=\"quoted\"", "back\\slash", "tab\there", "é", "lit\\eral"), file.kargs());
    assertNull(file.matchArchitectures());
  }

  @Test
  void readsArraysOverSeveralLinesWithCommentsAndATrailingComma() throws Exception {
    KargsD.File file =
        KargsD.parse(
            "kargs = [\n  \"one\", # first\n  \"two\",\n]  # done\nmatch-architectures=['x86_64']\n",
            "/x.toml");
    assertEquals(List.of("one", "two"), file.kargs());
    assertEquals(List.of("x86_64"), file.matchArchitectures());
  }

  @Test
  void rejectsAnUnknownKeyNamingFileAndLine() {
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () -> KargsD.parse("kargs = [\"a\"]\nkarg = [\"b\"]\n", "/usr/lib/bootc/kargs.d/1.toml"));
    assertEquals(
        "/usr/lib/bootc/kargs.d/1.toml:2: unknown key 'karg'; bootc knows kargs and"
            + " match-architectures\n"
            + "Hint: write it as bootc documents it: kargs = [\"console=ttyS0\", \"quiet\"]",
        e.getMessage());
  }

  @Test
  void rejectsAnUnterminatedString() {
    BadInputException e =
        assertThrows(BadInputException.class, () -> KargsD.parse("kargs = [\"a]\n", "/f.toml"));
    assertEquals("/f.toml:1: unterminated string", e.getMessage().lines().findFirst().get());
  }

  @Test
  void rejectsAFileWithoutKargs() {
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () -> KargsD.parse("match-architectures = [\"x86_64\"]\n", "/f.toml"));
    assertEquals("/f.toml:2: the file has no 'kargs' array", e.getMessage().lines().findFirst().get());
  }

  @Test
  void mapsDebianArchitecturesToBootcNames() {
    assertEquals("x86_64", KargsD.bootcArchitecture("amd64"));
    assertEquals("aarch64", KargsD.bootcArchitecture("arm64"));
  }

  private void write(String name, String text) throws Exception {
    Path dir = Files.createDirectories(root.resolve(KargsD.DIR));
    Files.writeString(dir.resolve(name), text);
  }
}
