package dev.debforge.activity;

import dev.debforge.image.ImageReference;
import dev.debforge.image.ImageReference.Transport;
import dev.debforge.image.Skopeo;
import dev.debforge.oci.OciIndexWriter;
import dev.debforge.oci.OciIndexWriter.WrittenIndex;
import dev.debforge.plan.MultiArch;
import dev.debforge.process.ProcessRunner;
import dev.debforge.stage.publish.ImagePublisher;
import dev.debforge.store.OwnedDir;
import dev.debforge.store.Trees;
import io.temporal.activity.Activity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Makes and publishes the image index of a multi-architecture compose, with skopeo. */
public final class IndexActivitiesImpl implements IndexActivities {

  /** The step name the index's progress and tool lines are reported under. */
  public static final String STEP = "index";

  private final BuildEvents events;
  private final Path scratch;

  /**
   * @param scratch where the merged layout of a registry destination is made, in a directory
   *     owned by this process (the store's {@code tmp/}, whose stale directories the next worker
   *     or {@code store gc} removes)
   */
  public IndexActivitiesImpl(BuildEvents events, Path scratch) {
    this.events = events;
    this.scratch = scratch;
  }

  @Override
  public Map<String, String> publishIndex(IndexRequest request) {
    Heartbeater heartbeater =
        Heartbeater.start(Activity.getExecutionContext(), Heartbeater.INTERVAL);
    OwnedDir owned = null;
    try {
      ImageReference destination = MultiArch.checked(request.destination()).absolute();
      if (request.architectures().size() != request.images().size()) {
        throw new IllegalArgumentException("one image per architecture");
      }
      ProcessRunner tools =
          new ProcessRunner(
              line -> events.toolOutput(request.buildId(), STEP, line), heartbeater::check);
      Path merge;
      if (request.workDirectory() != null) {
        // Beside the destination, where the architectures' images are: a retry starts afresh.
        merge = Path.of(request.workDirectory()).resolve("index");
        Trees.delete(merge);
        Files.createDirectories(merge);
      } else {
        owned = OwnedDir.create(scratch, "index.");
        merge = owned.path();
      }
      for (int i = 0; i < request.images().size(); i++) {
        String arch = request.architectures().get(i);
        progress(heartbeater, request, "copying the " + arch + " image");
        tools.run(
            Skopeo.copy(
                ImageReference.parse(request.images().get(i)),
                new ImageReference(Transport.OCI, merge.toString(), arch),
                request.tlsVerify()));
      }
      WrittenIndex index =
          new OciIndexWriter().write(merge, request.architectures(), request.tag());
      String platforms =
          index.entries().stream()
              .map(entry -> OciIndexWriter.describe(entry.platform()))
              .collect(Collectors.joining(", "));
      progress(heartbeater, request, "image index " + index.digest() + ": " + platforms);
      Map<String, String> facts =
          new TreeMap<>(
              new ImagePublisher(tools, message -> progress(heartbeater, request, message))
                  .publish(
                      new ImageReference(Transport.OCI, merge.toString(), request.tag()),
                      destination, request.tag(), request.tlsVerify(), true));
      facts.put("digest", index.digest());
      facts.put("platforms", platforms);
      // Published: what is left beside the destination goes as far as it can, and a directory
      // that cannot be removed does not fail the build.
      if (request.workDirectory() != null) {
        deleteQuietly(merge);
      }
      for (String directory : request.staging()) {
        deleteQuietly(Path.of(directory));
      }
      return facts;
    } catch (Exception e) {
      heartbeater.check();
      throw Failures.toFailure("index", e);
    } finally {
      heartbeater.close();
      if (owned != null) {
        try {
          owned.close();
        } catch (IOException e) {
          // Stale now: the next worker on the store, or store gc, removes it.
        }
      }
      if (request.workDirectory() != null) {
        deleteQuietly(Path.of(request.workDirectory()).resolve("index"));
        removeIfEmpty(Path.of(request.workDirectory()));
      }
    }
  }

  @Override
  public void discard(List<String> directories) {
    try {
      for (String directory : directories) {
        Path path = Path.of(directory);
        Trees.delete(path);
        Path parent = path.getParent();
        if (parent != null && parent.getFileName().toString().contains(".multiarch-")) {
          removeIfEmpty(parent);
        }
      }
    } catch (IOException e) {
      throw Failures.toFailure("discard", e);
    }
  }

  private void progress(Heartbeater heartbeater, IndexRequest request, String message) {
    events.progress(request.buildId(), STEP, message);
    heartbeater.progress(message);
  }

  private static void deleteQuietly(Path path) {
    try {
      Trees.delete(path);
    } catch (IOException e) {
      // Hidden beside the destination; the next multi-architecture build there may remove it.
    }
  }

  private static void removeIfEmpty(Path directory) {
    try {
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      // Not empty (an architecture's image is still there) or gone: nothing to do.
    }
  }
}
