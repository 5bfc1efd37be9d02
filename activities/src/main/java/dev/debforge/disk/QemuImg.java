package dev.debforge.disk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.plugin.ToolCall;
import dev.debforge.store.Sha256;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Converts, inspects and compares disk images with {@code qemu-img}. The raw image is always the
 * source; conversion never changes it.
 */
public final class QemuImg {

  public static final Duration TIMEOUT = Duration.ofMinutes(30);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The output formats, with the creation options each needs to be accepted by its cloud. */
  public enum Format {
    RAW("raw", ""),
    QCOW2("qcow2", ""),
    /** Stream-optimized VMDK, the form vSphere and OVA import take; compressed by design. */
    VMDK("vmdk", "subformat=streamOptimized"),
    /**
     * Fixed VHD for Azure and Hyper-V. {@code force_size} keeps the exact raw size instead of
     * rounding to the CHS geometry, which Azure requires to be a whole MiB.
     */
    VHD("vpc", "subformat=fixed,force_size=on"),
    VHDX("vhdx", "subformat=dynamic"),
    VDI("vdi", "");

    private final String driver;
    private final String createOptions;

    Format(String driver, String createOptions) {
      this.driver = driver;
      this.createOptions = createOptions;
    }

    /** The qemu block driver name, as {@code -O} takes it. */
    public String driver() {
      return driver;
    }

    /** The {@code -o} creation options, or an empty string. */
    public String createOptions() {
      return createOptions;
    }
  }

  /**
   * @param source the raw image
   * @param target the file to write
   * @param format the output format
   * @param compressed whether to compress clusters ({@code -c}); qcow2 only
   */
  public record Convert(Path source, Path target, Format format, boolean compressed) {
    public Convert {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(format, "format");
      if (compressed && format != Format.QCOW2) {
        throw new IllegalArgumentException(
            "only qcow2 output can be compressed, not " + format.driver()
                + "\nHint: vmdk streamOptimized is already compressed");
      }
    }
  }

  private QemuImg() {}

  public static ToolCall convert(Convert c) {
    List<String> argv =
        new ArrayList<>(List.of("qemu-img", "convert", "-f", "raw", "-O", c.format().driver()));
    if (c.compressed()) {
      argv.add("-c");
    }
    if (!c.format().createOptions().isEmpty()) {
      argv.add("-o");
      argv.add(c.format().createOptions());
    }
    argv.add(c.source().toString());
    argv.add(c.target().toString());
    return ToolCall.of(argv, TIMEOUT);
  }

  /** Describes an image as JSON on standard output (format, virtual size, allocation). */
  public static ToolCall info(Path image) {
    return ToolCall.of(List.of("qemu-img", "info", "--output=json", image.toString()), TIMEOUT);
  }

  /**
   * Lists a file's extents as JSON, read as a raw image: which hold data and which are holes
   * ({@code qemu-img map}, from SEEK_DATA and SEEK_HOLE; nothing is read).
   */
  public static ToolCall map(Path file) {
    return ToolCall.of(
        List.of("qemu-img", "map", "-f", "raw", "--output=json", file.toString()), TIMEOUT);
  }

  /**
   * The ranges that hold data, from {@link #map}'s output: every extent but those qemu-img
   * reports as reading zeros with no data behind them (holes), neighbours merged.
   */
  public static List<Sha256.Range> dataRanges(String mapJson) throws IOException {
    List<Sha256.Range> ranges = new ArrayList<>();
    for (JsonNode extent : JSON.readTree(mapJson)) {
      boolean hole = extent.path("zero").asBoolean(false) && !extent.path("data").asBoolean(true);
      if (hole) {
        continue;
      }
      long start = extent.get("start").asLong();
      long length = extent.get("length").asLong();
      int last = ranges.size() - 1;
      if (last >= 0 && ranges.get(last).start() + ranges.get(last).length() == start) {
        Sha256.Range merged = ranges.remove(last);
        ranges.add(new Sha256.Range(merged.start(), merged.length() + length));
      } else {
        ranges.add(new Sha256.Range(start, length));
      }
    }
    return ranges;
  }

  /** Checks an image's metadata (qcow2, vhdx, vdi); exit code 0 means consistent. */
  public static ToolCall check(Path image, Format format) {
    return ToolCall.of(
        List.of("qemu-img", "check", "-f", format.driver(), image.toString()), TIMEOUT);
  }

  /** Compares the guest-visible contents; exit code 0 means identical, 1 different. */
  public static ToolCall compare(Path raw, Path other, Format otherFormat) {
    return ToolCall.of(
        List.of(
            "qemu-img", "compare", "-f", "raw", "-F", otherFormat.driver(),
            raw.toString(), other.toString()),
        TIMEOUT);
  }
}
