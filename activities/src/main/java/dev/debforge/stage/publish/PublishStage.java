package dev.debforge.stage.publish;

import dev.debforge.image.ImageReference;
import dev.debforge.image.ImageReference.Transport;
import dev.debforge.image.Skopeo;
import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.store.Sha256;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code publish}: copies the image from the store to where the user asked, with skopeo.
 *
 * <p>Files and directories appear whole or not at all: the image is written beside the
 * destination under a temporary name and renamed into place, so a failed or cancelled build
 * leaves nothing half-written. An existing file is replaced; a non-empty directory is refused.
 * This step is never cached: the destination may have changed.
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
    Map<String, String> facts = new TreeMap<>();
    facts.put("type", destination.transport().prefix());
    facts.put("digest", image.get("digest"));
    facts.put("artifact", destination.toString());
    if (!destination.transport().local()) {
      context.progress("pushing to " + destination);
      context.tools().run(Skopeo.copy(source, destination, options.tlsVerify()));
      return new StageOutput(facts);
    }
    Path target = destination.path();
    ImageReference inner = destination;
    if (destination.reference() == null) {
      inner =
          destination.withReference(
              destination.transport() == Transport.DOCKER_ARCHIVE
                  ? options.name() + ":" + tag
                  : tag);
    }
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    if (Files.isDirectory(target) && !emptyDirectory(target)) {
      throw new BadInputException(
          target + " is a directory that is not empty",
          "remove it or choose another destination; debforge replaces files, not directories");
    }
    Path partial = parent.resolve("." + target.getFileName() + ".partial-" + ProcessHandle
        .current().pid());
    Trees.delete(partial);
    try {
      context.progress("writing " + destination);
      context.tools().run(Skopeo.copy(source, relocated(inner, partial), options.tlsVerify()));
      if (Files.isRegularFile(partial)) {
        facts.put("sha256", Sha256.ofFile(partial));
        facts.put("size", Long.toString(Files.size(partial)));
      }
      if (Files.isDirectory(target)) {
        Files.delete(target);
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Trees.delete(partial);
    }
    facts.put("artifact", target.toString());
    return new StageOutput(facts);
  }

  private static ImageReference relocated(ImageReference reference, Path path) {
    return new ImageReference(reference.transport(), path.toString(), reference.reference());
  }

  private static boolean emptyDirectory(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(path)) {
      return entries.findAny().isEmpty();
    }
  }
}
