package dev.debforge.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.debforge.process.ExitCleanup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A content-addressed store of step outputs, keyed by the hash of a step's inputs and options (as
 * osbuild's object store). An object is a directory {@code objects/KEY/} with the step's output in
 * {@code data/} and its facts in {@code meta.json}; it appears by one atomic rename, so a reader
 * sees either nothing or a whole object, and a step that failed halfway leaves nothing.
 *
 * <pre>
 * ROOT/objects/KEY/{meta.json,data/,lock}  finished outputs
 * ROOT/tmp/KEY.RANDOM/                      outputs being written
 * ROOT/tmp/KEY.RANDOM.lock                  held by the process writing it
 * ROOT/trash/                               objects being removed by {@code debforge store gc}
 * ROOT/cache/NAME/                          caches shared between builds (apt, initramfs)
 * ROOT/logs/BUILD/STAGE.log                 what each step's tools printed
 * ROOT/logs/BUILD/used-objects              the keys of the objects the build used
 * </pre>
 *
 * <p>The modification time of {@code meta.json} is the object's last use: each lookup sets it,
 * and {@code debforge store gc} removes the least recently used objects first. A step holds a
 * shared lock on {@code lock} of each input it reads ({@link #use}); gc removes an object only
 * under an exclusive lock, by renaming it into {@code trash/} first, so a reader never sees half
 * an object.
 *
 * <p>A pending object is removed when its step fails, when debforge is stopped by SIGINT or
 * SIGTERM ({@link ExitCleanup}), and, after a SIGKILL, by the next {@link #removeStale}: its
 * owner's lock on {@code KEY.RANDOM.lock} went with the owner, so a lock that can be taken marks
 * a dead pending object.
 */
public final class Store {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final String OBJECTS = "objects";
  static final String TMP = "tmp";
  static final String TRASH = "trash";
  static final String LOGS = "logs";
  static final String META = "meta.json";
  static final String LOCK = "lock";
  static final String USED_OBJECTS = "used-objects";

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

  /** The finished object with this key, if there is one; marks it as used now. */
  public Optional<StoredObject> lookup(String key) {
    Path dir = objectDir(key);
    Path meta = dir.resolve(META);
    if (!Files.isRegularFile(meta)) {
      return Optional.empty();
    }
    try {
      Meta read = JSON.readValue(meta.toFile(), Meta.class);
      markUsed(meta);
      return Optional.of(new StoredObject(key, dir.resolve("data"), read.facts()));
    } catch (NoSuchFileException removed) {
      return Optional.empty(); // gc took it between the check and the read
    } catch (IOException e) {
      throw new UncheckedIOException("store object " + key + " has an unreadable meta.json", e);
    }
  }

  /**
   * The finished object with this key, if there is one, without marking it as used: a planner
   * asking what exists must not keep objects alive that the build will not read.
   */
  public Optional<StoredObject> peek(String key) {
    Path dir = objectDir(key);
    try {
      Meta read = JSON.readValue(dir.resolve(META).toFile(), Meta.class);
      return Optional.of(new StoredObject(key, dir.resolve("data"), read.facts()));
    } catch (IOException absentOrUnreadable) {
      // Absent, or unreadable: then the step runs, and its lookup reports the damage.
      return Optional.empty();
    }
  }

  /**
   * The finished object with this key, held so that {@code debforge store gc} leaves it alone
   * until the use is closed; nothing when there is no such object.
   */
  public Optional<Use> use(String key) throws IOException {
    Path dir = objectDir(key);
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    Locks.Lease lease;
    try {
      lease = Locks.shared(dir.resolve(LOCK));
    } catch (NoSuchFileException removed) {
      return Optional.empty();
    }
    // Taken after the lock: gc renames an object away only while it holds the lock exclusively.
    Optional<StoredObject> object = lookup(key);
    if (object.isEmpty()) {
      lease.close();
      return Optional.empty();
    }
    return Optional.of(new Use(object.get(), lease));
  }

  /** A finished object held for reading; closing it lets gc remove the object again. */
  public static final class Use implements AutoCloseable {
    private final StoredObject object;
    private final Locks.Lease lease;

    private Use(StoredObject object, Locks.Lease lease) {
      this.object = object;
      this.lease = lease;
    }

    public StoredObject object() {
      return object;
    }

    @Override
    public void close() {
      lease.close();
    }
  }

  /**
   * Notes that the build used the object, for {@code debforge store gc --keep-builds}. The list
   * is appended to, one key a line, and may repeat keys.
   */
  public void recordUse(String buildId, String key) throws IOException {
    Path dir = Files.createDirectories(logDir(buildId));
    Files.writeString(
        dir.resolve(USED_OBJECTS),
        requireKey(key) + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** The keys of the objects the build used so far, as {@link #recordUse} noted them. */
  public Set<String> usedBy(String buildId) throws IOException {
    Path used = logDir(buildId).resolve(USED_OBJECTS);
    if (!Files.isRegularFile(used)) {
      return Set.of();
    }
    try (Stream<String> lines = Files.lines(used)) {
      return lines.map(String::strip)
          .filter(line -> !line.isEmpty())
          .collect(Collectors.toUnmodifiableSet());
    }
  }

  /** Starts writing the object with this key; nothing is visible until {@link Pending#commit}. */
  public Pending begin(String key) throws IOException {
    requireKey(key);
    Files.createDirectories(root.resolve(OBJECTS));
    OwnedDir tmp = OwnedDir.create(root.resolve(TMP), key + ".");
    try {
      Files.createDirectories(tmp.path().resolve("data"));
    } catch (IOException e) {
      tmp.close();
      throw e;
    }
    return new Pending(key, tmp);
  }

  /**
   * Removes what dead processes left in {@code tmp/} (pending objects whose owner's lock is free)
   * and in {@code trash/}. A pending object a running build holds is never touched.
   *
   * @return the directories removed
   */
  public List<Path> removeStale() throws IOException {
    List<Path> removed = new ArrayList<>(OwnedDir.removeStale(root.resolve(TMP), ""));
    for (Path entry : list(root.resolve(TRASH))) {
      Trees.delete(entry);
      removed.add(entry);
    }
    return removed;
  }

  Path objectDir(String key) {
    return root.resolve(OBJECTS).resolve(requireKey(key));
  }

  private static void markUsed(Path meta) {
    try {
      Files.setLastModifiedTime(meta, FileTime.from(Instant.now()));
    } catch (IOException e) {
      // A store this user may only read: the object is used all the same, and gc, which must
      // be able to write the store, judges it by its previous use.
    }
  }

  static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.sorted().toList();
    }
  }

  /** A directory shared between builds on this host, created on first use. */
  public Path sharedCache(String name) throws IOException {
    return Files.createDirectories(root.resolve("cache").resolve(name));
  }

  /** The directory of a build's step logs, which may not exist yet. */
  public Path logDir(String buildId) {
    return root.resolve(LOGS).resolve(safe(buildId));
  }

  /** Where a build's step logs go. */
  public Path logFile(String buildId, String stage) throws IOException {
    Path dir = Files.createDirectories(root.resolve(LOGS).resolve(safe(buildId)));
    return dir.resolve(safe(stage) + ".log");
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** Whether the name is a store key (an object directory's name). */
  static boolean isKey(String name) {
    return name.matches("[0-9a-f]{16,64}");
  }

  static String requireKey(String key) {
    if (!isKey(key)) {
      throw new IllegalArgumentException("not a store key: " + key);
    }
    return key;
  }

  /** An object being written. */
  public final class Pending implements AutoCloseable {
    private final String key;
    private final OwnedDir owned;
    private final Path tmp;
    private final ExitCleanup.Registration atExit;
    private volatile boolean done;
    private boolean discarded;

    private Pending(String key, OwnedDir owned) {
      this.key = key;
      this.owned = owned;
      this.tmp = owned.path();
      this.atExit = ExitCleanup.atExit(this::discard);
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
     * Removes the step's scratch directory, which is never part of the object: part of the step's
     * own work (a scratch tree can be a root file system of hard links into the step's input, half
     * a second to delete), done before the step's time is taken. Not later, beside the next step:
     * each unlink changes the inode the link shared with a stored object, and a tar reading that
     * object then finds its files "changed as we read it".
     */
    public void removeScratch() throws IOException {
      Trees.delete(tmp.resolve("scratch"));
    }

    public StoredObject commit(String stage, Map<String, String> facts) throws IOException {
      return commit(stage, facts, Set.of());
    }

    /**
     * Makes the object visible under its key, recording the objects it was made from: none of
     * them is removed before this one ({@link StoreGc}), so that the store never holds an object
     * beside a remade input it was not made from (two makes of one key need not be equal
     * byte for byte: a file system image carries what its tools chose). The caller must still
     * hold those inputs ({@link #use}), so that none can go before the record is visible.
     *
     * <p>When another build finished the same key first, its object wins and this one is
     * discarded; the steps after this one read the winner.
     */
    public StoredObject commit(String stage, Map<String, String> facts, Set<String> inputs)
        throws IOException {
      inputs.forEach(Store::requireKey);
      removeScratch();
      Meta meta = new Meta(stage, new TreeMap<>(facts), Instant.now().toString(),
          List.copyOf(new TreeSet<>(inputs)));
      JSON.writeValue(tmp.resolve(META).toFile(), meta);
      Files.createFile(tmp.resolve(LOCK));
      publish();
      return lookup(key).orElseThrow();
    }

    /**
     * Renames the object into place. It excludes {@link #discard}, which the exit hook runs on
     * another thread: a directory being deleted must never be renamed into objects/.
     */
    private synchronized void publish() throws IOException {
      if (discarded) {
        throw new IOException("debforge is exiting: the object " + key + " was discarded");
      }
      Path target = objectDir(key);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the store's tmp and objects must be on one filesystem: " + root, e);
      } catch (FileSystemException raced) {
        // rename(2) onto a non-empty directory fails with ENOTEMPTY, which Java reports as a
        // plain FileSystemException: another build finished this key first.
        if (!Files.isRegularFile(target.resolve(META))) {
          throw raced;
        }
        Trees.delete(tmp);
      }
      done = true;
    }

    /** Discards what was written unless {@link #commit} succeeded, and lets the name go. */
    @Override
    public void close() throws IOException {
      try {
        if (done) {
          owned.release();
        } else {
          owned.close();
        }
      } finally {
        atExit.close();
      }
    }

    private synchronized void discard() throws IOException {
      if (!done) {
        discarded = true;
        owned.delete();
      }
    }
  }

  /**
   * What {@code meta.json} holds.
   *
   * @param inputs the keys of the objects the step read to make this one ({@link Lineage}); empty
   *     for an object made from none, or made before debforge recorded them
   */
  public record Meta(
      String stage,
      Map<String, String> facts,
      String created,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> inputs) {
    public Meta {
      facts = facts == null ? Map.of() : facts;
      inputs = inputs == null ? List.of() : List.copyOf(inputs);
    }
  }

  static Map<String, String> readFacts(Path meta) throws IOException {
    return JSON.readValue(meta.toFile(), new TypeReference<Map<String, String>>() {});
  }

  static Meta readMeta(Path meta) throws IOException {
    return JSON.readValue(meta.toFile(), Meta.class);
  }
}
