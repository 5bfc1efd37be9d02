package dev.debforge.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A content-addressed store of step outputs, keyed by the hash of a step's inputs and options (as
 * osbuild's object store). An object is a directory {@code objects/KEY/} with the step's output in
 * {@code data/} and its facts in {@code meta.json}; it appears by one atomic rename, so a reader
 * sees either nothing or a whole object, and a step that failed halfway leaves nothing.
 *
 * <pre>
 * ROOT/objects/KEY/{meta.json,data/}   finished outputs
 * ROOT/tmp/KEY.RANDOM/                  outputs being written
 * ROOT/cache/NAME/                      caches shared between builds (apt archives, …)
 * ROOT/logs/BUILD/STAGE.log             what each step's tools printed
 * </pre>
 */
public final class Store {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;

  public Store(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /**
   * The default location: {@code $DEBFORGE_STORE}, else {@code /var/lib/debforge/store} for root,
   * else {@code ~/.cache/debforge/store}.
   */
  public static Path defaultRoot() {
    String configured = System.getenv("DEBFORGE_STORE");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    if ("root".equals(System.getProperty("user.name"))) {
      return Path.of("/var/lib/debforge/store");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "debforge", "store");
  }

  public Path root() {
    return root;
  }

  /** The finished object with this key, if there is one. */
  public Optional<StoredObject> lookup(String key) {
    Path dir = root.resolve("objects").resolve(requireKey(key));
    Path meta = dir.resolve("meta.json");
    if (!Files.isRegularFile(meta)) {
      return Optional.empty();
    }
    try {
      Meta read = JSON.readValue(meta.toFile(), Meta.class);
      return Optional.of(new StoredObject(key, dir.resolve("data"), read.facts()));
    } catch (IOException e) {
      throw new UncheckedIOException("store object " + key + " has an unreadable meta.json", e);
    }
  }

  /** Starts writing the object with this key; nothing is visible until {@link Pending#commit}. */
  public Pending begin(String key) throws IOException {
    Path tmp = root.resolve("tmp").resolve(requireKey(key) + "." + UUID.randomUUID());
    Files.createDirectories(tmp.resolve("data"));
    Files.createDirectories(root.resolve("objects"));
    return new Pending(key, tmp);
  }

  /** A directory shared between builds on this host, created on first use. */
  public Path sharedCache(String name) throws IOException {
    return Files.createDirectories(root.resolve("cache").resolve(name));
  }

  /** The directory of a build's step logs, which may not exist yet. */
  public Path logDir(String buildId) {
    return root.resolve("logs").resolve(safe(buildId));
  }

  /** Where a build's step logs go. */
  public Path logFile(String buildId, String stage) throws IOException {
    Path dir = Files.createDirectories(root.resolve("logs").resolve(safe(buildId)));
    return dir.resolve(safe(stage) + ".log");
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static String requireKey(String key) {
    if (!key.matches("[0-9a-f]{16,64}")) {
      throw new IllegalArgumentException("not a store key: " + key);
    }
    return key;
  }

  /** An object being written. */
  public final class Pending implements AutoCloseable {
    private final String key;
    private final Path tmp;
    private boolean done;

    private Pending(String key, Path tmp) {
      this.key = key;
      this.tmp = tmp;
    }

    /** The directory to fill. */
    public Path data() {
      return tmp.resolve("data");
    }

    /** A scratch directory beside the data, removed with the pending object. */
    public Path scratch() throws IOException {
      return Files.createDirectories(tmp.resolve("scratch"));
    }

    /**
     * Makes the object visible under its key. When another build finished the same key first,
     * its object wins and this one is discarded: both hold the same content by construction.
     */
    public StoredObject commit(String stage, Map<String, String> facts) throws IOException {
      Trees.delete(tmp.resolve("scratch"));
      Meta meta = new Meta(stage, new TreeMap<>(facts), Instant.now().toString());
      JSON.writeValue(tmp.resolve("meta.json").toFile(), meta);
      Path target = root.resolve("objects").resolve(key);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the store's tmp and objects must be on one filesystem: " + root, e);
      } catch (FileSystemException raced) {
        // rename(2) onto a non-empty directory fails with ENOTEMPTY, which Java reports as a
        // plain FileSystemException: another build finished this key first.
        if (!Files.isRegularFile(target.resolve("meta.json"))) {
          throw raced;
        }
        Trees.delete(tmp);
      }
      done = true;
      return lookup(key).orElseThrow();
    }

    /** Discards what was written unless {@link #commit} succeeded. */
    @Override
    public void close() throws IOException {
      if (!done) {
        Trees.delete(tmp);
      }
    }
  }

  /** What {@code meta.json} holds. */
  public record Meta(String stage, Map<String, String> facts, String created) {
    public Meta {
      facts = facts == null ? Map.of() : facts;
    }
  }

  static Map<String, String> readFacts(Path meta) throws IOException {
    return JSON.readValue(meta.toFile(), new TypeReference<Map<String, String>>() {});
  }
}
