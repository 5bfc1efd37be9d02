package dev.debforge.engine;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How many builds a worker runs at once. When the last slot is taken the worker stops taking
 * claims from its architecture queues, so that waiting builds stay on the server, in priority
 * order, for whichever worker frees a slot first.
 */
public final class BuildSlots {

  /** Told when the slots fill up ({@code true}) and when one frees again ({@code false}). */
  public interface Listener {
    void full(boolean full);
  }

  private final int capacity;
  private final Set<String> builds = new LinkedHashSet<>();
  private Listener listener = full -> {};

  public BuildSlots(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a worker runs at least one build at a time");
    }
    this.capacity = capacity;
  }

  public synchronized void listen(Listener listener) {
    this.listener = listener;
  }

  /**
   * Takes a slot for the build. A build that holds one already keeps it: a retried claim must
   * not take two.
   *
   * @return false when every slot is taken
   */
  public synchronized boolean take(String buildId) {
    if (builds.contains(buildId)) {
      return true;
    }
    if (builds.size() >= capacity) {
      return false;
    }
    builds.add(buildId);
    if (builds.size() == capacity) {
      listener.full(true);
    }
    return true;
  }

  public synchronized void release(String buildId) {
    boolean wasFull = builds.size() == capacity;
    if (builds.remove(buildId) && wasFull) {
      listener.full(false);
    }
  }

  public synchronized List<String> builds() {
    return List.copyOf(builds);
  }

  public int capacity() {
    return capacity;
  }
}
