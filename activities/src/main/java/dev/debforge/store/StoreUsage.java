package dev.debforge.store;

import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolException;
import dev.debforge.process.ProcessRunner;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a store holds and how much disk it takes: each object with its stage, last use and size,
 * and the sizes of {@code tmp/}, {@code trash/}, {@code cache/} and {@code logs/}.
 *
 * <p>Sizes are the disk space used, as {@code du} counts it: sparse disk images count what they
 * allocate, and a file hard-linked from several objects counts once, in the most recently used
 * of them, so an older object's size is what removing it frees while the newer ones stay.
 */
public record StoreUsage(
    List<ObjectEntry> objects, long tmpBytes, long trashBytes, long cacheBytes, long logsBytes) {

  private static final Duration DU_TIMEOUT = Duration.ofMinutes(30);

  /** The age classes of {@link #byAge}, by last use. */
  public static final List<Duration> AGE_LIMITS =
      List.of(Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(30));

  public StoreUsage {
    objects = List.copyOf(objects);
  }

  /** One finished object. {@code stage} is "?" when its meta.json cannot be read. */
  public record ObjectEntry(String key, String stage, Instant lastUsed, long bytes) {}

  /** A count of objects and their bytes. */
  public record Total(int objects, long bytes) {
    Total plus(ObjectEntry entry) {
      return new Total(objects + 1, bytes + entry.bytes());
    }
  }

  /** Everything, counted once. */
  public long totalBytes() {
    return objectBytes() + tmpBytes + trashBytes + cacheBytes + logsBytes;
  }

  public long objectBytes() {
    return objects.stream().mapToLong(ObjectEntry::bytes).sum();
  }

  /** The objects by the stage that made them, largest first. */
  public Map<String, Total> byStage() {
    Map<String, Total> totals = new HashMap<>();
    for (ObjectEntry entry : objects) {
      totals.merge(entry.stage(), new Total(0, 0).plus(entry), (a, b) -> a.plus(entry));
    }
    Map<String, Total> sorted = new LinkedHashMap<>();
    totals.entrySet().stream()
        .sorted(Comparator.comparingLong((Map.Entry<String, Total> e) -> e.getValue().bytes())
            .reversed()
            .thenComparing(Map.Entry::getKey))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /**
   * The objects by time since their last use: "under 1 day", "1-7 days", "7-30 days",
   * "over 30 days", each present even when empty.
   */
  public Map<String, Total> byAge(Instant now) {
    Map<String, Total> totals = new LinkedHashMap<>();
    List<String> names = List.of("under 1 day", "1-7 days", "7-30 days", "over 30 days");
    names.forEach(name -> totals.put(name, new Total(0, 0)));
    for (ObjectEntry entry : objects) {
      Duration age = Duration.between(entry.lastUsed(), now);
      int bucket = 0;
      while (bucket < AGE_LIMITS.size() && age.compareTo(AGE_LIMITS.get(bucket)) >= 0) {
        bucket++;
      }
      totals.compute(names.get(bucket), (name, total) -> total.plus(entry));
    }
    return totals;
  }

  /** A size for people, in powers of 1024: 1536 -> "1.5 KiB". */
  public static String human(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit == 0
        ? bytes + " B"
        : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /** Measures the store; the objects come most recently used first. */
  public static StoreUsage measure(Store store) throws IOException {
    Path root = store.root();
    List<ObjectEntry> found = new ArrayList<>();
    for (Path dir : Store.list(root.resolve(Store.OBJECTS))) {
      String key = dir.getFileName().toString();
      if (!Files.isDirectory(dir) || !Store.isKey(key)) {
        continue;
      }
      Path meta = dir.resolve(Store.META);
      try {
        String stage = "?";
        try {
          String read = Store.readMeta(meta).stage();
          stage = read != null ? read : "?";
        } catch (NoSuchFileException e) {
          meta = dir; // an object from before meta.json: its directory's time is its last use
        } catch (IOException e) {
          // Unreadable facts do not stop it from being measured and removed.
        }
        found.add(new ObjectEntry(key, stage, Files.getLastModifiedTime(meta).toInstant(), 0));
      } catch (NoSuchFileException removed) {
        // Removed while listing.
      }
    }
    found.sort(Comparator.comparing(ObjectEntry::lastUsed).reversed()
        .thenComparing(ObjectEntry::key));
    List<Path> paths = new ArrayList<>();
    found.forEach(entry -> paths.add(store.objectDir(entry.key())));
    List<Path> others =
        List.of(
            root.resolve(Store.TMP),
            root.resolve(Store.TRASH),
            root.resolve("cache"),
            root.resolve(Store.LOGS));
    paths.addAll(others);
    Map<Path, Long> sizes = du(paths);
    List<ObjectEntry> objects = new ArrayList<>();
    for (ObjectEntry entry : found) {
      Long bytes = sizes.get(store.objectDir(entry.key()));
      if (bytes != null) {
        objects.add(new ObjectEntry(entry.key(), entry.stage(), entry.lastUsed(), bytes));
      }
    }
    return new StoreUsage(
        objects,
        sizes.getOrDefault(others.get(0), 0L),
        sizes.getOrDefault(others.get(1), 0L),
        sizes.getOrDefault(others.get(2), 0L),
        sizes.getOrDefault(others.get(3), 0L));
  }

  /**
   * The disk usage of each existing path, from one {@code du} run so that a hard-linked file
   * counts once, in the first path that has it.
   */
  static Map<Path, Long> du(List<Path> paths) throws IOException {
    List<Path> existing = paths.stream().filter(Files::exists).toList();
    Map<Path, Long> sizes = new HashMap<>();
    if (existing.isEmpty()) {
      return sizes;
    }
    Path list = Files.createTempFile("debforge-du", ".list");
    Path output = Files.createTempFile("debforge-du", ".out");
    try {
      StringBuilder names = new StringBuilder();
      existing.forEach(path -> names.append(path).append('\0'));
      Files.writeString(list, names, StandardCharsets.UTF_8);
      try {
        // --files0-from takes any number of paths, and -0 ends each output line with NUL.
        ProcessRunner.logging(line -> {})
            .run(
                ToolCall.of(List.of("du", "-s", "-0", "-B1", "--files0-from=" + list), DU_TIMEOUT)
                    .withStdout(output));
      } catch (ToolException e) {
        if (e.kind() != ToolException.Kind.EXIT_CODE) {
          throw new IOException("cannot measure the store: " + e.getMessage(), e);
        }
        // du exits 1 when a path vanished while it ran (gc, a finishing build); it measured
        // the others, and a vanished path simply has no size.
      }
      for (String line : Files.readString(output, StandardCharsets.UTF_8).split("\0")) {
        int tab = line.indexOf('\t');
        if (tab > 0) {
          sizes.put(Path.of(line.substring(tab + 1)), Long.parseLong(line.substring(0, tab)));
        }
      }
    } finally {
      Files.deleteIfExists(list);
      Files.deleteIfExists(output);
    }
    return sizes;
  }
}
