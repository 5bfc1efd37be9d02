package dev.debforge.stage.convert;

import dev.debforge.disk.QemuImg;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolRunner;
import dev.debforge.store.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code convert}: turns the raw disk into one disk type with qemu-img (qcow2, vmdk
 * streamOptimized, fixed vhd, vhdx, vdi), a sparse copy (raw, ami), a gzip'd tar holding
 * {@code disk.raw} (gce), or an OVA (an OVF descriptor, a streamOptimized vmdk, a manifest).
 * Every qemu-img result is checked with {@code qemu-img check} (where the format has one) and
 * compared with the raw disk.
 *
 * <p>Input: {@code disk} (the partition step). Output: the file named by {@link DiskType}.
 */
public final class ConvertStage implements Stage<ConvertOptions> {

  public static final String ID = "convert";

  static final String OVA_DESCRIPTOR = "disk.ovf";
  static final String OVA_DISK = "disk.vmdk";
  static final String OVA_MANIFEST = "disk.mf";

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
    } else if (type == DiskType.OVA) {
      ova(context, raw, target);
    } else if (type.format() == QemuImg.Format.RAW) {
      context.tools().run(
          ToolCall.of(
              List.of("cp", "--sparse=always", raw.toString(), target.toString()),
              Duration.ofMinutes(30)));
    } else {
      convert(context.tools(), raw, target, type);
      context.progress("comparing with the raw disk");
      compare(context.tools(), raw, target, type);
    }
    return new StageOutput(
        Map.of(
            "type", type.id(),
            "file", type.fileName(),
            "size", Long.toString(Files.size(target))));
  }

  /**
   * Writes the raw disk as a qemu-img format at {@code target} and checks the result's metadata
   * where the format has a check (qcow2, vhdx, vdi); {@link #compare} then checks its content.
   */
  public static void convert(ToolRunner tools, Path raw, Path target, DiskType type)
      throws Exception {
    if (type.format() == null || type.format() == QemuImg.Format.RAW) {
      throw new IllegalArgumentException(type.id() + " is not a qemu-img conversion");
    }
    tools.run(QemuImg.convert(new QemuImg.Convert(raw, target, type.format(), false)));
    if (type.format() == QemuImg.Format.QCOW2 || type.format() == QemuImg.Format.VHDX
        || type.format() == QemuImg.Format.VDI) {
      tools.run(QemuImg.check(target, type.format()));
    }
  }

  /** Fails unless the disk {@link #convert} wrote holds what the raw disk holds. */
  public static void compare(ToolRunner tools, Path raw, Path converted, DiskType type)
      throws Exception {
    tools.run(QemuImg.compare(raw, converted, type.format()));
  }

  /** The OVA's three files, made in scratch and archived with the descriptor first. */
  private static void ova(StageContext context, Path raw, Path target) throws Exception {
    Path dir = context.scratch();
    Path vmdk = dir.resolve(OVA_DISK);
    context.tools().run(QemuImg.convert(new QemuImg.Convert(raw, vmdk, QemuImg.Format.VMDK,
        false)));
    context.progress("comparing with the raw disk");
    context.tools().run(QemuImg.compare(raw, vmdk, QemuImg.Format.VMDK));
    Path ovf = dir.resolve(OVA_DESCRIPTOR);
    Files.writeString(
        ovf,
        Ovf.descriptor("debforge", OVA_DISK, Files.size(vmdk), Files.size(raw), 2, 2048));
    Map<String, String> sums = new LinkedHashMap<>();
    sums.put(OVA_DESCRIPTOR, Sha256.ofFile(ovf));
    sums.put(OVA_DISK, Sha256.ofFile(vmdk));
    Files.writeString(dir.resolve(OVA_MANIFEST), Ovf.manifest(sums));
    context.tools().run(ovaTar(dir, target));
  }

  /**
   * An OVA is a ustar archive whose first member is the descriptor, then the disk, then the
   * manifest.
   */
  static ToolCall ovaTar(Path dir, Path target) {
    return ToolCall.of(
        List.of(
            "tar",
            "--format=ustar",
            "--owner=0",
            "--group=0",
            "--create",
            "--file=" + target,
            "--directory=" + dir,
            OVA_DESCRIPTOR,
            OVA_DISK,
            OVA_MANIFEST),
        Duration.ofMinutes(30));
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
