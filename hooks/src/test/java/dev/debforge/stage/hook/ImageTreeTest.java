package dev.debforge.stage.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTreeTest {

  @TempDir Path temp;
  private Path root;
  private ImageTree tree;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(temp.resolve("root")).toRealPath();
    Files.createDirectories(root.resolve("var/home"));
    Files.createDirectories(root.resolve("etc"));
    Files.createSymbolicLink(root.resolve("home"), Path.of("/var/home"));
    Files.createSymbolicLink(root.resolve("etc/relative"), Path.of("../var"));
    Files.createSymbolicLink(root.resolve("escape"), Path.of("../x"));
    tree = new ImageTree(root);
  }

  @Test
  void followsAbsoluteLinksInsideTheImage() {
    assertEquals(root.resolve("var/home/alice"), tree.resolve("/home/alice"));
  }

  @Test
  void followsRelativeLinksThatStayInside() {
    assertEquals(root.resolve("var/home"), tree.resolve("/etc/relative/home"));
  }

  @Test
  void refusesLinksThatClimbOut() {
    HookApiException e = assertThrows(HookApiException.class, () -> tree.resolve("/escape/etc"));
    assertTrue(e.getMessage().contains("leads out of the image tree"), e.getMessage());
  }

  @Test
  void refusesDotDotAndRelativePaths() {
    assertThrows(HookApiException.class, () -> tree.resolve("/etc/../../x"));
    assertThrows(HookApiException.class, () -> tree.resolve("etc/motd"));
  }

  @Test
  void leavesTheLastLinkAloneWhenAskedTo() {
    assertEquals(root.resolve("home"), tree.resolveNoFollow("/home"));
    assertEquals(root.resolve("var/home"), tree.resolve("/home"));
  }

  @Test
  void namesHostPathsByTheirImagePath() {
    assertEquals("/var/home", tree.imagePath(root.resolve("var/home")));
  }
}
