package dev.debforge.store;

import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** Finished objects for the store tests: a blob of zeros, committed, last used at a given time. */
final class StoreObjects {
  private StoreObjects() {}

  static void object(Store store, String key, String stage, Instant lastUsed, int mebibytes)
      throws Exception {
    object(store, key, stage, lastUsed, mebibytes, Set.of());
  }

  /** An object made from {@code inputs}, as a step that read them commits it. */
  static void object(Store store, String key, String stage, Instant lastUsed, int mebibytes,
      Set<String> inputs) throws Exception {
    try (Store.Pending pending = store.begin(key)) {
      Files.write(pending.data().resolve("blob"), new byte[mebibytes * 1024 * 1024]);
      pending.commit(stage, Map.of(), inputs);
    }
    Files.setLastModifiedTime(
        store.objectDir(key).resolve(Store.META), FileTime.from(lastUsed));
  }
}
