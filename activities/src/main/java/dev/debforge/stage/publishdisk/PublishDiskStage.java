package dev.debforge.stage.publishdisk;

import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolCall;
import dev.debforge.stage.convert.DiskType;
import dev.debforge.store.Sha256;
import dev.debforge.store.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code publish-disk}: copies one disk image from the store to {@code DIR/TYPE/FILE} (the
 * layout bootc-image-builder uses: {@code qcow2/disk.qcow2}, {@code image/disk.raw}, …).
 *
 * <p>The file is copied sparsely under a temporary name beside its destination and renamed into
 * place, so the output directory never holds a half-written disk. Never cached.
 *
 * <p>Input: {@code disk} (a convert step). Facts: {@code artifact}, {@code type},
 * {@code sha256}, {@code size}.
 */
public final class PublishDiskStage implements Stage<PublishDiskOptions> {

  public static final String ID = "publish-disk";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public Class<PublishDiskOptions> optionsType() {
    return PublishDiskOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, PublishDiskOptions options) throws Exception {
    DiskType type = DiskType.parse(options.type());
    Path source = context.input("disk").resolve(type.fileName());
    Path dir = Files.createDirectories(Path.of(options.directory()).resolve(type.directory()));
    Path target = dir.resolve(type.fileName());
    Path partial = dir.resolve("." + type.fileName() + ".partial-" + ProcessHandle.current().pid());
    try {
      context.progress("writing " + target);
      context.tools().run(
          ToolCall.of(
              List.of("cp", "--sparse=always", source.toString(), partial.toString()),
              Duration.ofMinutes(30)));
      String sha256 = Sha256.ofFile(partial);
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption
          .REPLACE_EXISTING);
      Map<String, String> facts = new TreeMap<>();
      facts.put("artifact", target.toString());
      facts.put("type", type.id());
      facts.put("sha256", sha256);
      facts.put("size", Long.toString(Files.size(target)));
      return new StageOutput(facts);
    } finally {
      Trees.delete(partial);
    }
  }
}
