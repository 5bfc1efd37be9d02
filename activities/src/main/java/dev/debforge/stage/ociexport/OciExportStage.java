package dev.debforge.stage.ociexport;

import dev.debforge.oci.HistoryEntry;
import dev.debforge.oci.ImageConfig;
import dev.debforge.oci.OciImageWriter;
import dev.debforge.oci.WrittenImage;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.stage.ostreecommit.OstreeCommitStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code oci-export}: writes the root filesystem as a bootable OCI image in an image layout.
 *
 * <p>The image has one layer, made by GNU tar ({@link LayerTar}) and compressed with gzip. Its
 * config carries the labels that mark a bootc image ({@code containers.bootc=1},
 * {@code ostree.bootable=1}) and, from the {@code commit} input, the OSTree commit and kernel
 * version ({@code ostree.commit}, {@code ostree.linux}). Its {@code created} time is the recipe's
 * epoch or else the commit's time, so the same stored inputs always give the same image.
 *
 * <p>Output: the layout in {@code layout/}. Facts: {@code digest} (the manifest's), {@code tag},
 * {@code layerSize}.
 */
public final class OciExportStage implements Stage<OciExportOptions> {

  public static final String ID = "oci-export";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 3;
  }

  @Override
  public Class<OciExportOptions> optionsType() {
    return OciExportOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, OciExportOptions options) throws Exception {
    Path tar = context.scratch().resolve("layer.tar");
    context.progress("writing the layer");
    context.tools().run(LayerTar.create(context.input("tree"), tar, options.created()));
    long total = Files.size(tar);
    Instant created = created(options, context.facts("commit"));
    Map<String, String> labels = new TreeMap<>(options.labels());
    labels.putAll(bootcLabels(context.facts("commit"), context.facts("tree")));
    ImageConfig config =
        new ImageConfig(
            context.architecture(),
            created,
            labels,
            List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
            List.of(),
            List.of(HistoryEntry.of(created, "debforge compose")),
            options.tag());
    Path layout = context.output().resolve("layout");
    long[] lastPercent = {-1};
    WrittenImage image =
        new OciImageWriter()
            .write(
                layout,
                List.of(tar),
                config,
                done -> {
                  long percent = total == 0 ? 100 : done * 100 / total;
                  if (percent / 10 != lastPercent[0] / 10) {
                    lastPercent[0] = percent;
                    context.progress("compressing the layer: " + percent + " %");
                  }
                });
    WrittenImage.Layer layer = image.layers().get(0);
    return new StageOutput(
        Map.of(
            "digest", image.manifestDigest(),
            "tag", options.tag(),
            "layerSize", Long.toString(layer.size())));
  }

  /**
   * The image's {@code created} time: the options' epoch, else the commit's time. Never the time of
   * the export: the size limit may remove a stored image and keep the commit it was made from, and
   * the image made again must be the one a registry and every earlier build already have.
   */
  static Instant created(OciExportOptions options, Map<String, String> commit) {
    if (options.created() != null) {
      return Instant.ofEpochSecond(options.created());
    }
    String timestamp = commit.get(OstreeCommitStage.TIMESTAMP);
    if (timestamp == null) {
      throw new IllegalStateException(
          "the commit input has no " + OstreeCommitStage.TIMESTAMP + " fact and the options no"
              + " epoch: the image's time would be the export's, and another export another image");
    }
    return Instant.ofEpochSecond(Long.parseLong(timestamp));
  }

  static Map<String, String> bootcLabels(Map<String, String> commit, Map<String, String> tree) {
    Map<String, String> labels = new TreeMap<>();
    labels.put("containers.bootc", "1");
    labels.put("ostree.bootable", "1");
    if (commit.containsKey("commit")) {
      labels.put("ostree.commit", commit.get("commit"));
    }
    if (tree.containsKey("kernel")) {
      labels.put("ostree.linux", tree.get("kernel"));
    }
    return labels;
  }
}
