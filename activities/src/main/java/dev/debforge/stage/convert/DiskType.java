package dev.debforge.stage.convert;

import dev.debforge.disk.QemuImg;
import dev.debforge.plugin.OutputType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The disk image types {@code debforge build --type} makes, with the file names
 * bootc-image-builder uses so that its users find their files where they expect them.
 */
public enum DiskType {
  RAW("raw", "image", "disk.raw", QemuImg.Format.RAW),
  QCOW2("qcow2", "qcow2", "disk.qcow2", QemuImg.Format.QCOW2),
  VMDK("vmdk", "vmdk", "disk.vmdk", QemuImg.Format.VMDK),
  VHD("vhd", "vpc", "disk.vhd", QemuImg.Format.VHD),
  VHDX("vhdx", "vhdx", "disk.vhdx", QemuImg.Format.VHDX),
  VDI("vdi", "vdi", "disk.vdi", QemuImg.Format.VDI),
  /** Google Compute Engine: a gzip'd tar holding {@code disk.raw}. */
  GCE("gce", "gce", "image.tar.gz", null),
  /**
   * An OVA: a tar of the OVF descriptor {@code disk.ovf}, a stream-optimized {@code disk.vmdk}
   * and the manifest {@code disk.mf}, for VMware, VirtualBox and oVirt.
   */
  OVA("ova", "ova", "image.ova", null),
  /** Amazon: the raw disk, to import as a snapshot. */
  AMI("ami", "image", "disk.raw", QemuImg.Format.RAW);

  private final String id;
  private final String directory;
  private final String fileName;
  private final QemuImg.Format format;

  DiskType(String id, String directory, String fileName, QemuImg.Format format) {
    this.id = id;
    this.directory = directory;
    this.fileName = fileName;
    this.format = format;
  }

  public String id() {
    return id;
  }

  /** The output subdirectory, as bootc-image-builder names it. */
  public String directory() {
    return directory;
  }

  public String fileName() {
    return fileName;
  }

  /**
   * Whether the file is the disk's bytes at its declared size, holes and all (raw, ami, a fixed
   * vhd), rather than a format that stores only what the disk holds.
   */
  public boolean sparse() {
    return format == QemuImg.Format.RAW || format == QemuImg.Format.VHD;
  }

  /**
   * Whether the build writes this type straight into the output directory as it publishes it,
   * instead of storing it and copying it there: qemu-img makes a qcow2 from the raw disk as fast
   * as the stored file would be copied, so storing it would only write every byte twice, and it
   * makes the same bytes each time. A build with nothing changed converts it again, in about the
   * time of that copy. A vhd is as cheap but not the same twice (its footer has the time and a
   * random id), so it is stored: a rebuild publishes the same file.
   */
  public boolean direct() {
    return this == QCOW2;
  }

  /** qemu-img's format, or null for a type that is not a qemu-img conversion. */
  public QemuImg.Format format() {
    return format;
  }

  public static DiskType parse(String text) {
    return find(text)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown disk type '" + text + "'; debforge makes " + ids()));
  }

  /** The type with this id (any case), or empty when debforge makes none by that name. */
  public static Optional<DiskType> find(String text) {
    for (DiskType type : values()) {
      if (type.id.equals(text.toLowerCase(Locale.ROOT))) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /**
   * The types asked for, in order, a repeated one once.
   *
   * @throws IllegalArgumentException for an unknown type, or two that write the same file (raw
   *     and ami are both {@code image/disk.raw}), which would overwrite each other
   */
  public static List<DiskType> select(List<String> texts) {
    Map<String, DiskType> byPath = new LinkedHashMap<>();
    for (String text : texts) {
      DiskType type = parse(text.strip());
      String path = type.directory + "/" + type.fileName;
      DiskType other = byPath.putIfAbsent(path, type);
      if (other != null && other != type) {
        throw new IllegalArgumentException(
            other.id + " and " + type.id + " are both written to " + path
                + ", the same disk: ask for one of them");
      }
    }
    return List.copyOf(byPath.values());
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(DiskType::id).toList();
  }

  /** This type as the output type the registry lists: the convert stage, reading the raw disk. */
  public OutputType outputType() {
    DiskType type = this;
    return new OutputType() {
      @Override
      public String id() {
        return type.id;
      }

      @Override
      public String directory() {
        return type.directory;
      }

      @Override
      public String fileName() {
        return type.fileName;
      }

      @Override
      public Input input() {
        return Input.RAW_DISK;
      }

      @Override
      public String stage() {
        return ConvertStage.ID;
      }

      @Override
      public String description() {
        return type.id + " (" + type.directory + "/" + type.fileName + ")";
      }

      @Override
      public Map<String, Object> stageOptions(Map<String, Object> pluginOptions) {
        return Map.of("type", type.id);
      }
    };
  }
}
