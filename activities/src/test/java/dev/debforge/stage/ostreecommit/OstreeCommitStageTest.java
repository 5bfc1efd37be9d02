package dev.debforge.stage.ostreecommit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.stage.TestStageContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ostree-commit stage for real on a small tree: a commit that adopts the tree's files is the
 * commit that copies them, its objects are the input's files, and the input is left as it was.
 */
class OstreeCommitStageTest {

  @TempDir Path dir;

  /** A tree with what a root file system has that ostree records: modes, links, an xattr. */
  private Path tree() throws Exception {
    Path tree = dir.resolve("input/data");
    Path modules = Files.createDirectories(tree.resolve("usr/lib/modules/6.1.0-test"));
    Files.writeString(modules.resolve("vmlinuz"), "kernel ".repeat(1000));
    Files.writeString(modules.resolve("initramfs.img"), "initramfs ".repeat(1000));
    Path bin = Files.createDirectories(tree.resolve("usr/bin"));
    Files.writeString(bin.resolve("tool"), "#!/bin/sh\necho tool\n");
    Files.setAttribute(bin.resolve("tool"), "unix:mode", 04755);
    Files.createLink(bin.resolve("tool-alias"), bin.resolve("tool"));
    Files.createSymbolicLink(bin.resolve("sh"), Path.of("dash"));
    Path labelled = Files.writeString(bin.resolve("labelled"), "with an xattr\n");
    Files.getFileAttributeView(labelled, UserDefinedFileAttributeView.class)
        .write("debforge.test", ByteBuffer.wrap("yes".getBytes(StandardCharsets.UTF_8)));
    Files.createDirectories(tree.resolve("etc"));
    Files.writeString(tree.resolve("etc/hostname"), "debian\n");
    Files.createDirectories(tree.resolve("home/debian"));
    Files.writeString(tree.resolve("home/debian/.profile"), "x\n");
    Files.createDirectories(tree.resolve("var/lib"));
    Path secret = Files.createDirectories(tree.resolve("var/lib/private"));
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rwx------"));
    Files.createDirectories(tree.resolve("boot"));
    Files.writeString(tree.resolve("boot/vmlinuz-6.1.0-test"), "old kernel\n");
    return tree;
  }

  /** Each path of the tree with its type, mode, owner, size, mtime, inode and content. */
  private static Map<String, String> snapshot(Path tree) throws Exception {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(tree)) {
      for (Path path : paths.toList()) {
        Map<String, Object> unix = Files.readAttributes(path, "unix:*", LinkOption.NOFOLLOW_LINKS);
        String content =
            Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                ? Files.readString(path, StandardCharsets.ISO_8859_1)
                : Files.isSymbolicLink(path) ? Files.readSymbolicLink(path).toString() : "";
        entries.put(
            tree.relativize(path).toString(),
            unix.get("mode") + " " + unix.get("uid") + ":" + unix.get("gid") + " "
                + unix.get("size") + " " + ((FileTime) unix.get("lastModifiedTime")).toMillis()
                + " " + unix.get("ino") + " " + content.hashCode());
      }
    }
    return entries;
  }

  private String commit(Path tree, boolean adopt, String step) throws Exception {
    TestStageContext context =
        new TestStageContext(dir.resolve(step), "amd64").withInput("tree", tree, Map.of());
    Map<String, String> facts =
        new OstreeCommitStage()
            .run(context, new OstreeCommitOptions("debian/test/x86_64", "1", "test", 0L, adopt))
            .facts();
    return facts.get("commit");
  }

  @Test
  void anAdoptingCommitIsTheCopyingOneAndLeavesTheInputAsItWas() throws Exception {
    Path tree = tree();
    Map<String, String> before = snapshot(tree);
    String copied = commit(tree, false, "copy");
    String adopted = commit(tree, true, "adopt");
    assertEquals(copied, adopted, "the same files, modes, owners, xattrs and links make one commit");

    Map<String, String> after = snapshot(tree);
    assertEquals(before, after, "the input's files keep content, mode, owner, mtime and inode");
    UserDefinedFileAttributeView xattrs =
        Files.getFileAttributeView(tree.resolve("usr/bin/labelled"),
            UserDefinedFileAttributeView.class);
    assertEquals(List.of("debforge.test"), xattrs.list());
    assertFalse(Files.exists(dir.resolve("adopt/scratch/tree")), "ostree consumed the copy");
  }

  @Test
  void anAdoptingCommitsObjectsAreTheInputsFilesAndACopyingOnesAreNot() throws Exception {
    Path tree = tree();
    commit(tree, false, "copy");
    commit(tree, true, "adopt");
    Object tool = Files.getAttribute(tree.resolve("usr/bin/tool"), "unix:ino");
    assertTrue(objectInodes(dir.resolve("adopt/output/repo")).contains(tool),
        "the adopting repository links the input's file");
    assertFalse(objectInodes(dir.resolve("copy/output/repo")).contains(tool),
        "the copying repository has its own");
  }

  @Test
  void theCommitsTimeIsRecordedWhetherGivenOrTaken() throws Exception {
    Path tree = tree();
    TestStageContext given =
        new TestStageContext(dir.resolve("given"), "amd64").withInput("tree", tree, Map.of());
    assertEquals("1700000000",
        new OstreeCommitStage()
            .run(given, new OstreeCommitOptions("debian/test/x86_64", "1", "test", 1700000000L))
            .facts().get(OstreeCommitStage.TIMESTAMP));

    // Without one, the newest file or directory time of the tree; links do not count.
    try (Stream<Path> paths = Files.walk(tree)) {
      for (Path path : paths.filter(p -> !Files.isSymbolicLink(p)).toList()) {
        Files.setLastModifiedTime(path, FileTime.fromMillis(1_600_000_000_000L));
      }
    }
    Files.setLastModifiedTime(
        tree.resolve("etc/hostname"), FileTime.fromMillis(1_650_000_000_900L));
    TestStageContext taken =
        new TestStageContext(dir.resolve("taken"), "amd64").withInput("tree", tree, Map.of());
    Map<String, String> facts =
        new OstreeCommitStage()
            .run(taken, new OstreeCommitOptions("debian/test/x86_64", "1", "test", null))
            .facts();
    long timestamp = Long.parseLong(facts.get(OstreeCommitStage.TIMESTAMP));
    assertEquals(1_650_000_000L, timestamp, "the newest time in the tree, not the step's");
    Thread.sleep(1100);
    TestStageContext again =
        new TestStageContext(dir.resolve("again"), "amd64").withInput("tree", tree, Map.of());
    assertEquals(facts.get("commit"),
        new OstreeCommitStage()
            .run(again, new OstreeCommitOptions("debian/test/x86_64", "1", "test", null))
            .facts().get("commit"),
        "the same stored tree gives the same commit, made again a second later");
    String shown =
        new String(
            new ProcessBuilder("ostree", "--repo=" + dir.resolve("taken/output/repo"), "show",
                    facts.get("commit"))
                .start().getInputStream().readAllBytes(),
            StandardCharsets.UTF_8);
    String date =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC)
            .format(Instant.ofEpochSecond(timestamp));
    assertTrue(shown.contains("Date:  " + date + " +0000"), "ostree's own date: " + shown);
  }

  private static List<Object> objectInodes(Path repo) throws Exception {
    List<Object> inodes = new ArrayList<>();
    try (Stream<Path> files = Files.walk(repo.resolve("objects"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".file")).toList()) {
        inodes.add(Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS));
      }
    }
    return inodes;
  }
}
