package dev.debforge.stage.ostreecommit;

import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/**
 * {@code ostree-commit}: commits a root filesystem to a bare OSTree repository.
 *
 * <p>The tree is rearranged into OSTree's layout ({@link OstreeLayout}) in a hard-linked copy, so
 * the input in the store stays as it was, then committed with {@code --bootable}, which records
 * the kernel and initramfs under {@code /usr/lib/modules}. The output is the repository
 * ({@code repo/}), from which {@code deploy} pulls. With {@link OstreeCommitOptions#adopt} the
 * repository takes the copy's links as its objects (ostree removes the copy as it commits), so
 * the content is not written again: the same commit.
 *
 * <p>The commit's time is the options' timestamp or, without one, the newest modification time
 * of a file or directory in the tree (when its last step wrote it; links do not count), never the
 * time of this step: the same stored tree gives the same commit, checksum and all, when the store
 * made it again. It is recorded as a fact: {@code oci-export} dates the image with it, so an image
 * exported again is the same image, byte for byte.
 *
 * <p>Facts: {@code commit} (the checksum), {@code ref}, {@code version}, {@code timestamp}
 * (seconds since the epoch).
 */
public final class OstreeCommitStage implements Stage<OstreeCommitOptions> {

  public static final String ID = "ostree-commit";

  /** The fact with the commit's time, seconds since the epoch. */
  public static final String TIMESTAMP = "timestamp";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 2;
  }

  /** The newest modification time, in whole seconds, of the tree's files and directories. */
  static long newestTime(Path tree) throws IOException {
    long[] newest = {0};
    Files.walkFileTree(tree, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        newest[0] = Math.max(newest[0], attrs.lastModifiedTime().toMillis());
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (!attrs.isSymbolicLink()) {
          newest[0] = Math.max(newest[0], attrs.lastModifiedTime().toMillis());
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return Math.floorDiv(newest[0], 1000);
  }

  @Override
  public Class<OstreeCommitOptions> optionsType() {
    return OstreeCommitOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, OstreeCommitOptions options) throws Exception {
    Path tree = context.scratch().resolve("tree");
    context.progress("arranging the tree in OSTree's layout");
    context.tools().run(Trees.copy(context.input("tree"), tree, true));
    OstreeLayout.convert(tree);
    Path repo = context.output().resolve("repo");
    context.tools().run(Ostree.init(repo, "bare"));
    context.progress("committing " + options.ref() + (options.adopt()
        ? " (the tree's files become the repository's objects)" : ""));
    long timestamp =
        options.timestamp() != null ? options.timestamp() : newestTime(context.input("tree"));
    context.tools().run(Ostree.commit(repo, tree, options.withTimestamp(timestamp)));
    String commit = context.tools().run(Ostree.revParse(repo, options.ref())).stdout().strip();
    context.progress("commit " + commit);
    return new StageOutput(
        Map.of(
            "commit", commit,
            "ref", options.ref(),
            "version", options.version(),
            TIMESTAMP, Long.toString(timestamp)));
  }
}
