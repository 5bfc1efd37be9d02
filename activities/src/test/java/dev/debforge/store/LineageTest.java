package dev.debforge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.store.StoreUsage.ObjectEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An object never outlives an input it was made from: the store's removals (gc, the size limit)
 * take an object's dependents with it, and what keeps a dependent keeps its inputs. Else a raw
 * disk made again beside a vmdk converted from the raw disk it replaced would publish two
 * different disks as one build's.
 */
class LineageTest {

  private static final Instant NOW = Instant.now();
  /** A raw disk: cheap to make, used long ago. */
  private static final String RAW = "000000000000000000000000000000aa";
  /** The vmdk converted from it: used yesterday, a minute and a half to make. */
  private static final String VMDK = "000000000000000000000000000000bb";
  /** The ova made from the vmdk. */
  private static final String OVA = "000000000000000000000000000000cc";
  /** An object of another build, made from nothing here. */
  private static final String OTHER = "000000000000000000000000000000dd";

  @TempDir Path dir;
  private Store store;

  @BeforeEach
  void aRawDiskAVmdkMadeFromItAnOvaFromThatAndAnotherObject() throws Exception {
    store = new Store(dir);
    StoreObjects.object(store, RAW, "partition", daysAgo(20), 2);
    StoreObjects.object(store, VMDK, "convert", daysAgo(1), 1, Set.of(RAW));
    StoreObjects.object(store, OVA, "convert", daysAgo(1), 1, Set.of(VMDK));
    StoreObjects.object(store, OTHER, "partition", daysAgo(10), 1);
    StoreBudget.recordCost(store, VMDK, 90);
  }

  private static Instant daysAgo(int days) {
    return NOW.minus(Duration.ofDays(days));
  }

  private boolean present(String key) {
    return Files.isDirectory(dir.resolve("objects").resolve(key));
  }

  private static List<String> keys(List<ObjectEntry> entries) {
    return entries.stream().map(ObjectEntry::key).toList();
  }

  private StoreGc.Result gc(Duration olderThan, Long maxBytes, Integer keepBuilds, boolean all)
      throws Exception {
    return new StoreGc(store).collect(
        new StoreGc.Policy(olderThan, maxBytes, keepBuilds, all, false), NOW);
  }

  @Test
  void theCommitRecordsTheInputsSorted() throws Exception {
    try (Store.Pending pending = store.begin("000000000000000000000000000000ee")) {
      pending.commit("test", Map.of(), Set.of(VMDK, RAW));
    }
    assertEquals(List.of(RAW, VMDK),
        Store.readMeta(dir.resolve("objects/000000000000000000000000000000ee/meta.json"))
            .inputs());
    assertEquals(List.of(), Store.readMeta(dir.resolve("objects/" + RAW + "/meta.json")).inputs(),
        "an object made from nothing records nothing");
  }

  @Test
  void anInputCountsAsUsedWhenItsDependentsWere() throws Exception {
    StoreGc.Result result = gc(Duration.ofDays(7), null, null, false);

    assertEquals(List.of(OTHER), keys(result.removed()),
        "the raw disk, unused for 20 days, stays with the vmdk used yesterday");
    assertTrue(present(RAW) && present(VMDK) && present(OVA));
  }

  @Test
  void removingAnInputRemovesWhatWasMadeFromItFirst() throws Exception {
    StoreGc.Result result = gc(null, null, null, true);

    assertEquals(List.of(OTHER, OVA, VMDK, RAW), keys(result.removed()),
        "least recently used first; each dependent before its input");
    assertFalse(present(RAW) || present(VMDK) || present(OVA));
  }

  @Test
  void aHeldDependentKeepsItsInputs() throws Exception {
    try (Store.Use held = store.use(OVA).orElseThrow()) {
      StoreGc.Result result = gc(null, null, null, true);

      assertEquals(List.of(OTHER), keys(result.removed()));
      assertTrue(present(RAW) && present(VMDK) && present(OVA), "the ova is read: all stay");
      assertEquals(List.of(OVA), keys(result.inUse()));
    }
  }

  @Test
  void whatAKeptBuildUsedKeepsWhatItWasMadeFrom() throws Exception {
    store.recordUse("build-1", OVA);
    StoreGc.Result result = gc(null, null, 1, false);

    assertEquals(List.of(OTHER), keys(result.removed()), "only the ova was recorded as used");
    assertTrue(present(RAW) && present(VMDK) && present(OVA));
  }

  @Test
  void theSizeLimitNeverRemovesAnInputBeforeWhatWasMadeFromIt() throws Exception {
    // The raw disk is the oldest and cheapest, but the vmdk and the ova made from it stay: the
    // other object goes instead.
    long all = new StoreBudget(store, Long.MAX_VALUE).trim(Set.of()).bytesBefore();
    StoreBudget.Trimmed trimmed = new StoreBudget(store, all - 1).trim(Set.of());

    assertEquals(List.of(OTHER), keys(trimmed.removed()));
    assertTrue(present(RAW) && present(VMDK) && present(OVA));
  }

  @Test
  void anObjectMadeFromAnotherMeanwhileGoesWithItOrKeepsIt() throws Exception {
    Lineage before = Lineage.read(store);
    String late = "000000000000000000000000000000ee";
    StoreObjects.object(store, late, "convert", NOW, 1, Set.of(OTHER));

    assertEquals(StoreGc.Removal.MADE_FROM_MEANWHILE,
        new StoreGc(store).remove(OTHER, before, false),
        "made after the lineage was read: the removal stops");
    assertTrue(present(OTHER) && present(late));
    assertEquals(List.of(late, OTHER),
        new StoreGc(store).remove(OTHER, Lineage.read(store), false).keys(),
        "the dependent first");
    assertFalse(present(OTHER) || present(late));
  }

  @Test
  void theSizeLimitGoesLeafFirstAndKeepsTheRunningBuildsInputs() throws Exception {
    StoreBudget.Trimmed kept = new StoreBudget(store, 0).trim(Set.of(OVA));
    assertEquals(List.of(OTHER), keys(kept.removed()),
        "the running build used the ova: what it was made from stays too");

    StoreBudget.Trimmed trimmed = new StoreBudget(store, 0).trim(Set.of());
    assertEquals(List.of(OVA, VMDK, RAW), keys(trimmed.removed()));
    assertEquals(0, trimmed.bytesAfter());
  }
}
