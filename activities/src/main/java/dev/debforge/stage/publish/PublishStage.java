package dev.debforge.stage.publish;

import dev.debforge.image.ImageReference;
import dev.debforge.image.ImageReference.Transport;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code publish}: copies the image from the store to where the user asked, with skopeo, or as an
 * {@code oci-archive:} file written by {@link dev.debforge.oci.OciArchiveWriter}.
 *
 * <p>Files and directories appear whole or not at all ({@link ImagePublisher}). This step is
 * never cached: the destination may have changed.
 *
 * <p>Facts: {@code artifact} (the destination), {@code type}, {@code digest} and, for a file,
 * {@code sha256} and {@code size}.
 */
public final class PublishStage implements Stage<PublishOptions> {

  public static final String ID = "publish";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public Class<PublishOptions> optionsType() {
    return PublishOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, PublishOptions options) throws Exception {
    ImageReference destination = ImageReference.parse(options.destination()).absolute();
    Map<String, String> image = context.facts("image");
    String tag = image.get("tag");
    ImageReference source =
        new ImageReference(
            Transport.OCI, context.input("image").resolve("layout").toString(), tag);
    String refName =
        destination.transport() == Transport.DOCKER_ARCHIVE ? options.name() + ":" + tag : tag;
    Map<String, String> facts =
        new TreeMap<>(
            new ImagePublisher(context.tools(), context::progress)
                .publish(source, destination, refName, options.tlsVerify(), false));
    facts.put("digest", image.get("digest"));
    return new StageOutput(facts);
  }
}
