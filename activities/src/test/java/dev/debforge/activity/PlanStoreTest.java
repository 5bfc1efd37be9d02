package dev.debforge.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plan.BuildPlan;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plan.PlannedStep;
import dev.debforge.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What planning against a worker's store reports, and which stored outputs it marks as used. */
class PlanStoreTest {

  private static final String RECIPE =
      """
      name: test
      base:
        suite: bookworm
      """;

  private static final Instant LONG_AGO = Instant.parse("2020-01-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void theStoredOutputsThatARunningStepReadsAreMarkedUsedAndTheOthersAreNot() throws Exception {
    Store store = new Store(dir);
    PlanActivitiesImpl planner = new PlanActivitiesImpl(
        BuiltinStages.registry(), () -> List.of("http://mirror.example/debian"), store);
    BuildRequest request =
        BuildRequest.run("/tmp/test.yaml", RECIPE, "/out", List.of("qcow2"), "amd64", null);
    BuildPlan bare = planner.plan(request);
    Map<String, String> keys = new HashMap<>();
    for (PlannedStep step : bare.steps()) {
      keys.put(step.name(), step.key());
    }
    // The store has the compose's outputs up to the commit; the deployment is to be made.
    for (String name : List.of("debootstrap", "initramfs", "ostree-commit")) {
      stored(store, keys.get(name));
    }

    BuildPlan plan = planner.plan(request, "build-7");

    assertEquals(3, plan.stored().size(), plan.stored().toString());
    assertEquals(java.util.Set.of(keys.get("ostree-commit"), keys.get("initramfs")),
        store.usedBy("build-7"),
        "what the build reads is its own from the plan on: the size limit keeps it");
    Instant now = Instant.now().minusSeconds(60);
    assertTrue(lastUsed(store, keys.get("ostree-commit")).isAfter(now),
        "the deploy step reads the commit");
    assertTrue(lastUsed(store, keys.get("initramfs")).isAfter(now),
        "deploy and bootloader read the initramfs tree");
    assertEquals(LONG_AGO, lastUsed(store, keys.get("debootstrap")),
        "only the configure step reads the debootstrap, and it is skipped");
  }

  private static void stored(Store store, String key) throws Exception {
    try (Store.Pending pending = store.begin(key)) {
      Files.writeString(pending.data().resolve("file"), key);
      pending.commit("test", Map.of());
    }
    Files.setLastModifiedTime(meta(store, key), FileTime.from(LONG_AGO));
  }

  private static Instant lastUsed(Store store, String key) throws Exception {
    return Files.getLastModifiedTime(meta(store, key)).toInstant();
  }

  private static Path meta(Store store, String key) {
    return store.root().resolve("objects").resolve(key).resolve("meta.json");
  }
}
