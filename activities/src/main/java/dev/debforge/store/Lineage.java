package dev.debforge.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
 * from another raw disk. Removal therefore takes an object's dependents with it ({@link
 * StoreGc}), and what keeps an object (a running build, a recent use) keeps its inputs.
 */
final class Lineage {

  /** Object → the objects made from it. */
  private final Map<String, Set<String>> dependents;

  private Lineage(Map<String, Set<String>> dependents) {
    this.dependents = dependents;
  }

  /** Reads the record of every finished object; one whose meta.json is unreadable has none. */
  static Lineage read(Store store) throws IOException {
    Map<String, Set<String>> dependents = new HashMap<>();
    for (Path dir : Store.list(store.root().resolve(Store.OBJECTS))) {
      String key = dir.getFileName().toString();
      Path meta = dir.resolve(Store.META);
      if (!Store.isKey(key) || !Files.isRegularFile(meta)) {
        continue;
      }
      List<String> inputs;
      try {
        inputs = Store.readMeta(meta).inputs();
      } catch (IOException goneOrUnreadable) {
        continue;
      }
      for (String input : inputs) {
        dependents.computeIfAbsent(input, k -> new TreeSet<>()).add(key);
      }
    }
    return new Lineage(dependents);
  }

  /** The objects made from {@code key}, directly or through others. */
  Set<String> descendants(String key) {
    Set<String> found = new TreeSet<>();
    Deque<String> todo = new ArrayDeque<>(dependents.getOrDefault(key, Set.of()));
    while (!todo.isEmpty()) {
      String next = todo.pop();
      if (found.add(next)) {
        todo.addAll(dependents.getOrDefault(next, Set.of()));
      }
    }
    return found;
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

  /** Forgets removed objects, so that later removals do not look for them. */
  void forget(List<String> removed) {
    removed.forEach(dependents::remove);
    dependents.values().forEach(made -> made.removeAll(removed));
  }

  /**
   * The latest of each object's own time and those of the objects made from it: an object lives
   * as long as anything made from it does. Objects {@code times} lacks count as the earliest.
   */
  <T extends Comparable<T>> Map<String, T> latestWithDescendants(Map<String, T> times) {
    Map<String, T> latest = new HashMap<>();
    for (Map.Entry<String, T> entry : times.entrySet()) {
      T best = entry.getValue();
      for (String descendant : descendants(entry.getKey())) {
        T time = times.get(descendant);
        if (time != null && time.compareTo(best) > 0) {
          best = time;
        }
      }
      latest.put(entry.getKey(), best);
    }
    return latest;
  }

  /** {@code keys} and every object any of them was made from, directly or through others. */
  Set<String> withInputs(Set<String> keys) {
    Map<String, Set<String>> inputs = new HashMap<>();
    dependents.forEach((input, made) -> made.forEach(
        dependent -> inputs.computeIfAbsent(dependent, k -> new TreeSet<>()).add(input)));
    Set<String> closed = new TreeSet<>();
    Deque<String> todo = new ArrayDeque<>(keys);
    while (!todo.isEmpty()) {
      String next = todo.pop();
      if (closed.add(next)) {
        todo.addAll(inputs.getOrDefault(next, Set.of()));
      }
    }
    return closed;
  }
}
