package dev.debforge.store;

import dev.debforge.store.StoreUsage.ObjectEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Removes what a store no longer needs: {@code debforge store gc}.
 *
 * <p>Objects go least recently used first. An object is removed when it was last used before
 * {@code olderThan}, or while the objects still take more than {@code maxBytes}; with only
 * {@code keepBuilds}, every object the last N builds did not use goes; with no option at all,
 * objects unused for {@link #DEFAULT_AGE}. {@code keepBuilds} always protects what the last N
 * builds (by their latest step) used, and {@code all} removes every object.
 *
 * <p>An object goes only after every object made from it ({@link Lineage}): a raw disk unused
 * for a month stays while the qcow2 converted from it was used yesterday, and what a kept build
 * used, or a build reads, keeps what it was made from.
 *
 * <p>It is safe while builds run. A step holds a shared lock on each input it reads, and an
 * object is removed only under an exclusive lock, so one in use is skipped and reported. The
 * object is first renamed into {@code trash/} (one atomic rename, so no reader sees half of it)
 * and then deleted, immutable OSTree files included. An object a build had finished and will read
 * in a later step can go between the two steps; the build then notices the missing input and
 * plans again, redoing that step. Logs of builds whose newest line is older than the age limit
 * go too, and the pending objects of dead processes.
 */
public final class StoreGc {

  /** The age limit when no option is given. */
  public static final Duration DEFAULT_AGE = Duration.ofDays(7);

  private final Store store;

  public StoreGc(Store store) {
    this.store = store;
  }

  /** What to remove; a null limit is not given. */
  public record Policy(
      Duration olderThan, Long maxBytes, Integer keepBuilds, boolean all, boolean dryRun) {

    /** The age limit in force: the one given, or the default when nothing else was given. */
    Duration age() {
      if (olderThan != null || all) {
        return olderThan;
      }
      return maxBytes == null && keepBuilds == null ? DEFAULT_AGE : null;
    }
  }

  /**
   * What was removed (or, in a dry run, would be), what had to stay because a build holds it or
   * because a build made an object from it while gc ran, and the objects' size afterwards.
   */
  public record Result(
      List<ObjectEntry> removed,
      List<ObjectEntry> inUse,
      List<ObjectEntry> madeFromMeanwhile,
      List<String> logsRemoved,
      List<Path> staleRemoved,
      long objectBytesBefore,
      long objectBytesAfter,
      boolean dryRun) {

    public long freedBytes() {
      return removed.stream().mapToLong(ObjectEntry::bytes).sum();
    }
  }

  /** Collects, judging ages against now. */
  public Result collect(Policy policy, Instant now) throws IOException {
    List<Path> stale = policy.dryRun() ? List.of() : store.removeStale();
    StoreUsage usage = StoreUsage.measure(store);
    Lineage lineage = Lineage.read(store);
    Map<String, Instant> builds = lastSteps();
    Set<String> kept = policy.keepBuilds() != null && !policy.all()
        ? keysOf(newest(builds, policy.keepBuilds()))
        : Set.of();
    Duration age = policy.age();
    boolean everythingElse =
        policy.all() || (policy.keepBuilds() != null && age == null && policy.maxBytes() == null);

    Map<String, ObjectEntry> entries = new HashMap<>();
    usage.objects().forEach(entry -> entries.put(entry.key(), entry));
    long before = usage.objectBytes();
    long[] left = {before};
    List<ObjectEntry> removed = new ArrayList<>();
    List<ObjectEntry> inUse = new ArrayList<>();
    List<ObjectEntry> madeFrom = new ArrayList<>();
    // Leaf first, least recently used first: an object goes only after everything made from it,
    // so what stays (kept, recent, held) keeps what it was made from.
    lineage.leafFirst(
        entries.keySet(),
        Comparator.comparing((String key) -> entries.get(key).lastUsed())
            .thenComparing(Comparator.naturalOrder()),
        key -> {
          ObjectEntry entry = entries.get(key);
          if (kept.contains(key)) {
            return false;
          }
          boolean old = age != null && entry.lastUsed().isBefore(now.minus(age));
          boolean overBudget = policy.maxBytes() != null && left[0] > policy.maxBytes();
          if (!(everythingElse || old || overBudget)) {
            return false;
          }
          Removal removal = remove(key, lineage, policy.dryRun());
          if (removal.keys().isEmpty()) {
            // A lock file that is gone is an object another gc took: not in use.
            if (removal.kept() == Removal.Kept.HELD && Files.isDirectory(store.objectDir(key))) {
              inUse.add(entry);
            } else if (removal.kept() == Removal.Kept.MADE_FROM_MEANWHILE) {
              madeFrom.add(entry);
            }
            return false;
          }
          for (String each : removal.keys()) {
            ObjectEntry gone = entries.get(each);
            if (gone != null) {
              removed.add(gone);
              left[0] -= gone.bytes();
            }
          }
          return true;
        });
    long total = left[0];

    List<String> logs = new ArrayList<>();
    for (Map.Entry<String, Instant> build : logTimes().entrySet()) {
      boolean old = age != null && build.getValue().isBefore(now.minus(age));
      if ((policy.all() || old) && !keptBuild(build.getKey(), builds, policy)) {
        if (!policy.dryRun()) {
          Trees.delete(store.root().resolve(Store.LOGS).resolve(build.getKey()));
        }
        logs.add(build.getKey());
      }
    }
    return new Result(removed, inUse, madeFrom, logs, stale, before, total, policy.dryRun());
  }

  /**
   * What one removal took: the keys removed (in a dry run, that would be), dependents first; or
   * none, and why.
   */
  record Removal(List<String> keys, Kept kept) {

    /** Why a removal took nothing. */
    enum Kept {
      /** It took something. */
      NOT,
      /** A build holds one of the objects. */
      HELD,
      /** A build made an object from them since the lineage was read. */
      MADE_FROM_MEANWHILE,
      /** Another removal (a gc beside this one) took them first. */
      GONE
    }

    static Removal of(List<String> keys) {
      return keys.isEmpty()
          ? new Removal(List.of(), Kept.GONE)
          : new Removal(List.copyOf(keys), Kept.NOT);
    }

    static final Removal HELD = new Removal(List.of(), Kept.HELD);
    static final Removal MADE_FROM_MEANWHILE = new Removal(List.of(), Kept.MADE_FROM_MEANWHILE);
  }

  /**
   * Removes one object and every object made from it ({@link Lineage}; none for a leaf), or none
   * of them when a build holds any or an object was made from them since the lineage was read.
   */
  Removal remove(String key, Lineage lineage, boolean dryRun) throws IOException {
    List<String> order = lineage.removalOrder(key);
    List<Locks.Lease> leases = new ArrayList<>();
    List<Path> trashed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    try {
      for (String each : order) {
        Optional<Locks.Lease> lease = Locks.tryExclusive(store.objectDir(each).resolve(Store.LOCK));
        if (lease.isEmpty()) {
          return Removal.HELD;
        }
        leases.add(lease.get());
      }
      if (dryRun) {
        lineage.forget(order);
        return Removal.of(order);
      }
      // A step that made an object from these held one of them until its object was visible;
      // all are locked now, so what is read here is all that was made from them.
      if (lineage.madeMeanwhileFrom(store, order)) {
        return Removal.MADE_FROM_MEANWHILE;
      }
      Path trash = Files.createDirectories(store.root().resolve(Store.TRASH));
      for (String each : order) {
        Path to = trash.resolve(each + "." + UUID.randomUUID());
        try {
          Files.move(store.objectDir(each), to, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException gone) {
          continue;
        }
        trashed.add(to);
        removed.add(each);
      }
    } finally {
      leases.forEach(Locks.Lease::close);
    }
    lineage.forget(removed);
    for (Path each : trashed) {
      Trees.delete(each);
    }
    return Removal.of(removed);
  }

  private boolean keptBuild(String build, Map<String, Instant> builds, StoreGc.Policy policy) {
    return !policy.all()
        && policy.keepBuilds() != null
        && newest(builds, policy.keepBuilds()).contains(build);
  }

  /** Each build that recorded object uses, with the time of its latest record. */
  private Map<String, Instant> lastSteps() throws IOException {
    Map<String, Instant> builds = new TreeMap<>();
    for (Path dir : Store.list(store.root().resolve(Store.LOGS))) {
      Path used = dir.resolve(Store.USED_OBJECTS);
      try {
        builds.put(dir.getFileName().toString(), Files.getLastModifiedTime(used).toInstant());
      } catch (NoSuchFileException none) {
        // A build that used no object yet, or logged before uses were recorded.
      }
    }
    return builds;
  }

  private static List<String> newest(Map<String, Instant> builds, int count) {
    return builds.entrySet().stream()
        .sorted(Map.Entry.<String, Instant>comparingByValue().reversed())
        .limit(count)
        .map(Map.Entry::getKey)
        .toList();
  }

  private Set<String> keysOf(List<String> builds) throws IOException {
    Set<String> keys = new HashSet<>();
    for (String build : builds) {
      Path used = store.root().resolve(Store.LOGS).resolve(build).resolve(Store.USED_OBJECTS);
      try (Stream<String> lines = Files.lines(used)) {
        lines.map(String::strip).filter(line -> !line.isEmpty()).forEach(keys::add);
      } catch (NoSuchFileException gone) {
        // Removed meanwhile: it protects nothing.
      }
    }
    return keys;
  }

  /** Each build's log directory with the time of its newest file. */
  private Map<String, Instant> logTimes() throws IOException {
    Map<String, Instant> times = new TreeMap<>();
    for (Path dir : Store.list(store.root().resolve(Store.LOGS))) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      FileTime newest = Files.getLastModifiedTime(dir);
      for (Path file : Store.list(dir)) {
        FileTime time = Files.getLastModifiedTime(file);
        if (time.compareTo(newest) > 0) {
          newest = time;
        }
      }
      times.put(dir.getFileName().toString(), newest.toInstant());
    }
    return times;
  }
}
