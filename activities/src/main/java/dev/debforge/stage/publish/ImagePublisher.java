package dev.debforge.stage.publish;

import dev.debforge.image.ImageReference;
import dev.debforge.image.Skopeo;
import dev.debforge.oci.OciArchiveWriter;
import dev.debforge.oci.OciException;
import dev.debforge.oci.OciImageReader;
import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.plugin.ToolRunner;
import dev.debforge.store.PartialFiles;
import dev.debforge.store.Sha256;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Copies an image from an OCI layout to where the user asked, with skopeo, or for an {@code
 * oci-archive:} file of one image with {@link OciArchiveWriter}: the {@code publish} step of a
 * compose and the image index of a multi-architecture one.
 *
 * <p>Files and directories appear whole or not at all: the image is written beside the
 * destination under a temporary name and renamed into place, so a failed or cancelled build
 * leaves nothing half-written. An existing file is replaced; a non-empty directory is refused.
 */
public final class ImagePublisher {

  private final ToolRunner tools;
  private final Consumer<String> progress;

  public ImagePublisher(ToolRunner tools, Consumer<String> progress) {
    this.tools = tools;
    this.progress = progress;
  }

  /**
   * Copies {@code source} to {@code destination}.
   *
   * @param refName the tag inside a layout or archive when the destination names none; for a
   *     {@code docker-archive:} file, {@code NAME:TAG}
   * @param all whether the source is an image index whose every image is copied with it
   * @return the facts {@code type}, {@code artifact} (the destination, for a file or directory
   *     its path) and, for a file, {@code sha256} and {@code size}
   */
  public Map<String, String> publish(
      ImageReference source, ImageReference destination, String refName, boolean tlsVerify,
      boolean all) throws ToolException, IOException, BadInputException {
    Map<String, String> facts = new TreeMap<>();
    facts.put("type", destination.transport().prefix());
    facts.put("artifact", destination.toString());
    if (!destination.transport().local()) {
      progress.accept("pushing to " + destination);
      tools.run(copy(source, destination, tlsVerify, all));
      return facts;
    }
    Path target = destination.path();
    ImageReference inner =
        destination.reference() == null ? destination.withReference(refName) : destination;
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    if (Files.isDirectory(target) && !emptyDirectory(target)) {
      throw new BadInputException(
          target + " is a directory that is not empty",
          "remove it or choose another destination; debforge replaces files, not directories");
    }
    PartialFiles.removeOrphans(target);
    Path partial = PartialFiles.beside(target);
    try {
      progress.accept("writing " + destination);
      if (writesArchiveItself(source, inner, all)) {
        OciImageReader image;
        try {
          image = OciImageReader.open(source.path(), source.reference());
        } catch (OciException e) {
          throw new IOException("the image to publish cannot be read: " + e.getMessage(), e);
        }
        facts.put("sha256", OciArchiveWriter.write(image, inner.reference(), partial));
        facts.put("size", Long.toString(Files.size(partial)));
      } else {
        ImageReference relocated =
            new ImageReference(inner.transport(), partial.toString(), inner.reference());
        tools.run(copy(source, relocated, tlsVerify, all));
        if (Files.isRegularFile(partial)) {
          facts.put("sha256", Sha256.ofFile(partial));
          facts.put("size", Long.toString(Files.size(partial)));
        }
      }
      if (Files.isDirectory(target)) {
        Files.delete(target);
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Trees.delete(partial);
    }
    facts.put("artifact", target.toString());
    return facts;
  }

  /**
   * Whether the destination is an {@code oci-archive:} of one image from a layout, which {@link
   * OciArchiveWriter} writes in one pass; skopeo writes the rest.
   */
  static boolean writesArchiveItself(
      ImageReference source, ImageReference destination, boolean all) {
    return !all
        && source.transport() == ImageReference.Transport.OCI
        && destination.transport() == ImageReference.Transport.OCI_ARCHIVE;
  }

  private static ToolCall copy(
      ImageReference from, ImageReference to, boolean tlsVerify, boolean all) {
    return all ? Skopeo.copyAll(from, to, tlsVerify) : Skopeo.copy(from, to, tlsVerify);
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
