package dev.debforge.stage.convert;

import dev.debforge.disk.QemuImg;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code convert}: turns the raw disk into one disk type with qemu-img (qcow2, vmdk
 * streamOptimized, fixed vhd, vhdx, vdi), a sparse copy (raw, ami), or a gzip'd tar holding
 * {@code disk.raw} (gce). Every qemu-img result is checked with {@code qemu-img check} (where
 * the format has one) and compared with the raw disk.
 *
 * <p>Input: {@code disk} (the partition step). Output: the file named by {@link DiskType}.
 */
public final class ConvertStage implements Stage<ConvertOptions> {

  public static final String ID = "convert";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public Class<ConvertOptions> optionsType() {
    return ConvertOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, ConvertOptions options) throws Exception {
    DiskType type = DiskType.parse(options.type());
    Path raw = context.input("disk").resolve("disk.raw");
    Path target = context.output().resolve(type.fileName());
    context.progress("making " + type.id() + " (" + target.getFileName() + ")");
    if (type == DiskType.GCE) {
      context.tools().run(gceTar(raw, target));
    } else if (type.format() == QemuImg.Format.RAW) {
      context.tools().run(
          ToolCall.of(
              List.of("cp", "--sparse=always", raw.toString(), target.toString()),
              Duration.ofMinutes(30)));
    } else {
      context.tools().run(QemuImg.convert(new QemuImg.Convert(raw, target, type.format(), false)));
      if (type.format() == QemuImg.Format.QCOW2 || type.format() == QemuImg.Format.VHDX
          || type.format() == QemuImg.Format.VDI) {
        context.tools().run(QemuImg.check(target, type.format()));
      }
      context.progress("comparing with the raw disk");
      context.tools().run(QemuImg.compare(raw, target, type.format()));
    }
    return new StageOutput(
        Map.of(
            "type", type.id(),
            "file", type.fileName(),
            "size", Long.toString(Files.size(target))));
  }

  /** GCE wants a gzip'd tar in the old GNU format with one sparse member named disk.raw. */
  static ToolCall gceTar(Path raw, Path target) {
    return ToolCall.of(
        List.of(
            "tar",
            "--format=oldgnu",
            "--sparse",
            "--gzip",
            "--create",
            "--file=" + target,
            "--directory=" + raw.getParent(),
            raw.getFileName().toString()),
        Duration.ofMinutes(60));
  }
}
