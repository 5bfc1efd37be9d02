package dev.debforge.store;

import dev.debforge.store.StoreUsage.ObjectEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A size limit the store keeps to by itself ({@code --store-max-size}): after each step that adds
 * an object, the least recently used objects go until the objects fit, except those the running
 * build used and those a step reads.
 *
 * <p>Unlike {@code debforge store gc --max-size}, which goes by last use alone, the limit weighs
 * what an object cost to make: each second its step took counts as {@link #COST_WEIGHT} of more
 * recent use (GreedyDual's idea). A debootstrap of 40 s outlives the disk conversions of the next
 * half hour of builds, which are remade in a second or two, so the base images many builds share
 * stay while the one-off disks go.
 *
 * <p>An object goes only after everything made from it ({@link Lineage}): the partition step's
 * raw disk, cheap to make, stays while the vmdk converted from it does, and what the running
 * build used keeps what it was made from.
 *
 * <p>It must be cheap enough to run after every step, so an object's size is measured once, when
 * the budget first sees it, and kept beside its {@code meta.json} in {@code size}. Each object is
 * measured alone, as {@code du} counts it: a file hard-linked from two objects counts in both, so
 * the sum may be above the disk the objects really take, and the budget errs towards free space.
 */
public final class StoreBudget {

  static final String SIZE = "size";
  static final String SECONDS = "seconds";

  /** How much more recent an object counts for each second its step took. */
  public static final Duration COST_WEIGHT = Duration.ofMinutes(1);

  private final Store store;
  private final long maxBytes;

  public StoreBudget(Store store, long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("a store budget cannot be negative: " + maxBytes);
    }
    this.store = store;
    this.maxBytes = maxBytes;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** What one trim removed, and the objects' size (as the budget counts it) before and after. */
  public record Trimmed(List<ObjectEntry> removed, long bytesBefore, long bytesAfter) {
    public Trimmed {
      removed = List.copyOf(removed);
    }

    public long freedBytes() {
      return bytesBefore - bytesAfter;
    }
  }

  /**
   * Removes objects until the objects fit the budget, least recently used first with each
   * object's cost counted as more recent use, keeping {@code keep} (the running build's objects)
   * and any object a step holds. The objects may stay over
   * the budget when what is kept is larger than it.
   */
  public Trimmed trim(Set<String> keep) throws IOException {
    List<ObjectEntry> objects = objects();
    long total = objects.stream().mapToLong(ObjectEntry::bytes).sum();
    long before = total;
    List<ObjectEntry> removed = new ArrayList<>();
    if (total <= maxBytes) {
      return new Trimmed(removed, before, total);
    }
    StoreGc gc = new StoreGc(store);
    Lineage lineage = Lineage.read(store);
    Map<String, Instant> rank = new HashMap<>();
    Map<String, ObjectEntry> entries = new HashMap<>();
    for (ObjectEntry entry : objects) {
      double seconds = recordedSeconds(store.objectDir(entry.key()));
      rank.put(entry.key(),
          entry.lastUsed().plusMillis((long) (seconds * COST_WEIGHT.toMillis())));
      entries.put(entry.key(), entry);
    }
    long[] left = {total};
    // Leaf first: the running build's objects keep what they were made from.
    lineage.leafFirst(
        entries.keySet(),
        Comparator.comparing((String key) -> rank.get(key))
            .thenComparing(Comparator.naturalOrder()),
        key -> {
          if (left[0] <= maxBytes || keep.contains(key)) {
            return false;
          }
          List<String> taken = gc.remove(key, lineage, false).keys();
          for (String each : taken) {
            ObjectEntry gone = entries.get(each);
            if (gone != null) {
              removed.add(gone);
              left[0] -= gone.bytes();
            }
          }
          return !taken.isEmpty();
        });
    total = left[0];
    return new Trimmed(removed, before, total);
  }

  /** Each finished object with its last use and its size, measuring those not measured yet. */
  private List<ObjectEntry> objects() throws IOException {
    record Found(String key, Instant lastUsed, Long bytes) {}
    List<Found> found = new ArrayList<>();
    List<Path> unmeasured = new ArrayList<>();
    for (Path dir : Store.list(store.root().resolve(Store.OBJECTS))) {
      String key = dir.getFileName().toString();
      Path meta = dir.resolve(Store.META);
      if (!Store.isKey(key) || !Files.isRegularFile(meta)) {
        continue; // not an object, or one a gc is taking away
      }
      try {
        Found entry = new Found(key, Files.getLastModifiedTime(meta).toInstant(),
            recordedSize(dir));
        if (entry.bytes() == null) {
          unmeasured.add(dir);
        }
        found.add(entry);
      } catch (NoSuchFileException removed) {
        // Removed while listing.
      }
    }
    Map<Path, Long> sizes = unmeasured.isEmpty() ? Map.of() : StoreUsage.du(unmeasured);
    List<ObjectEntry> objects = new ArrayList<>();
    for (Found entry : found) {
      Long bytes = entry.bytes();
      if (bytes == null) {
        Path dir = store.objectDir(entry.key());
        bytes = sizes.get(dir);
        if (bytes == null) {
          continue; // gone meanwhile
        }
        record(dir, bytes);
      }
      objects.add(new ObjectEntry(entry.key(), "?", entry.lastUsed(), bytes));
    }
    return objects;
  }

  /**
   * Notes how long the step that made the object took, for {@link #trim}; an object without it
   * counts as made in no time.
   */
  public static void recordCost(Store store, String key, double seconds) {
    Path file = store.objectDir(key).resolve(SECONDS);
    try {
      Files.writeString(file, String.format(Locale.ROOT, "%.1f%n", seconds),
          StandardCharsets.US_ASCII);
    } catch (IOException e) {
      // A store this user cannot write, or an object gone meanwhile: it counts as cheap.
    }
  }

  private static double recordedSeconds(Path dir) {
    try {
      double seconds =
          Double.parseDouble(Files.readString(dir.resolve(SECONDS), StandardCharsets.US_ASCII));
      return Double.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 86_400) : 0;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  private static Long recordedSize(Path dir) throws IOException {
    try {
      return Long.parseLong(Files.readString(dir.resolve(SIZE), StandardCharsets.US_ASCII).strip());
    } catch (NoSuchFileException notYet) {
      return null;
    } catch (NumberFormatException damaged) {
      return null; // measured again
    }
  }

  private static void record(Path dir, long bytes) {
    try {
      Files.writeString(dir.resolve(SIZE), bytes + "\n", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      // A store this user cannot write, or an object gone meanwhile: measured again next time.
    }
  }
}
