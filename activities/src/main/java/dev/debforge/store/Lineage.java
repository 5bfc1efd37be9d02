package dev.debforge.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which stored objects were made from which, as each object's {@code meta.json} records its
 * inputs ({@link Store.Pending#commit(String, Map, Set)}).
 *
 * <p>A step's key names its inputs' keys, not their bytes, and two makes of one key need not be
 * equal byte for byte (a file system image carries its tools' choices). So an object must never
 * outlive an input it was made from: were the input removed and made again, a later build would
 * find the old object beside the new input, and publish, say, a raw disk and a vmdk converted
 * from another raw disk. Removals therefore go leaf first ({@link #leafFirst}): what keeps an
 * object (a running build, a recent use, a reader) keeps its inputs; and an object made from one
 * being removed stops that removal ({@link StoreGc}).
 */
final class Lineage {

  /** Object → the objects made from it. */
  private final Map<String, Set<String>> dependents;
  /** Object → the objects it was made from. */
  private final Map<String, List<String>> inputs;
  /** Every object read, made from something or not. */
  private final Set<String> known;

  private Lineage(
      Map<String, Set<String>> dependents, Map<String, List<String>> inputs, Set<String> known) {
    this.dependents = dependents;
    this.inputs = inputs;
    this.known = known;
  }

  /** What a traversal does with an object: true when it went. */
  @FunctionalInterface
  interface Visit {
    boolean remove(String key) throws IOException;
  }

  /** Reads the record of every finished object; one whose meta.json is unreadable has none. */
  static Lineage read(Store store) throws IOException {
    Map<String, Set<String>> dependents = new HashMap<>();
    Map<String, List<String>> inputsOf = new HashMap<>();
    Set<String> known = new HashSet<>();
    for (Path dir : Store.list(store.root().resolve(Store.OBJECTS))) {
      String key = dir.getFileName().toString();
      Path meta = dir.resolve(Store.META);
      if (!Store.isKey(key) || !Files.isRegularFile(meta)) {
        continue;
      }
      List<String> inputs;
      try {
        inputs = Store.readMeta(meta).inputs().stream().distinct().toList();
      } catch (IOException goneOrUnreadable) {
        continue;
      }
      known.add(key);
      inputsOf.put(key, inputs);
      for (String input : inputs) {
        dependents.computeIfAbsent(input, k -> new TreeSet<>()).add(key);
      }
    }
    return new Lineage(dependents, inputsOf, known);
  }

  /**
   * {@code key} and its descendants in an order to remove them: each object after every object
   * made from it, so that no moment of the removal leaves an object without its inputs.
   */
  List<String> removalOrder(String key) {
    List<String> order = new ArrayList<>();
    visit(key, new LinkedHashSet<>(), order);
    return order;
  }

  private void visit(String key, Set<String> seen, List<String> order) {
    if (!seen.add(key)) {
      return;
    }
    for (String dependent : dependents.getOrDefault(key, Set.of())) {
      visit(dependent, seen, order);
    }
    order.add(key);
  }

  /**
   * Whether an object this lineage does not know was made from one of {@code keys}: one made
   * since it was read. Finished objects never change, so only the new ones are read.
   */
  boolean madeMeanwhileFrom(Store store, Collection<String> keys) throws IOException {
    for (Path dir : Store.list(store.root().resolve(Store.OBJECTS))) {
      String key = dir.getFileName().toString();
      if (known.contains(key) || !Store.isKey(key)) {
        continue;
      }
      try {
        if (Store.readMeta(dir.resolve(Store.META)).inputs().stream().anyMatch(keys::contains)) {
          return true;
        }
      } catch (NoSuchFileException pendingOrGone) {
        // Not finished, or removed meanwhile.
      }
    }
    return false;
  }

  /** Forgets removed objects, so that later removals do not look for them. */
  void forget(List<String> removed) {
    removed.forEach(dependents::remove);
    dependents.values().forEach(made -> made.removeAll(removed));
  }

  /**
   * Offers {@code keys} for removal leaf first: each time the first, by {@code order}, of those
   * that no object still here was made from. An object that stays ({@code visit} says false: it
   * is kept, recent, held) keeps every object it was made from, which is then never offered.
   */
  void leafFirst(Collection<String> keys, Comparator<String> order, Visit visit)
      throws IOException {
    Map<String, Integer> remaining = new HashMap<>();
    for (String key : keys) {
      remaining.put(key, dependents.getOrDefault(key, Set.of()).size());
    }
    PriorityQueue<String> leaves = new PriorityQueue<>(order);
    remaining.forEach((key, count) -> {
      if (count == 0) {
        leaves.add(key);
      }
    });
    while (!leaves.isEmpty()) {
      String key = leaves.poll();
      if (!visit.remove(key)) {
        continue;
      }
      for (String input : inputs.getOrDefault(key, List.of())) {
        Integer count = remaining.computeIfPresent(input, (k, n) -> n - 1);
        if (count != null && count == 0) {
          leaves.add(input);
        }
      }
    }
  }
}
