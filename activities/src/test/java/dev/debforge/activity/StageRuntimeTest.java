package dev.debforge.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.extension.Extensions;
import dev.debforge.extension.Origin;
import dev.debforge.plan.PlannedStep;
import dev.debforge.plan.StepRequest;
import dev.debforge.plan.StepResult;
import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.store.Store;
import dev.debforge.store.StoreBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageRuntimeTest {

  @TempDir Path dir;

  /** A test stage: its id, version 1, options read as a map. */
  abstract static class TestStage implements Stage<Map> {
    private final String id;

    TestStage(String id) {
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public Class<Map> optionsType() {
      return Map.class;
    }
  }

  /** A stage that reports progress, then refuses its input. */
  static final class Refusing extends TestStage {
    Refusing() {
      super("refusing");
    }

    @Override
    public StageOutput run(StageContext context, Map options) throws Exception {
      context.progress("looking at the input");
      throw new BadInputException("the input is wrong", "give another");
    }
  }

  @Test
  void aFailedStepsLogEndsWithWhyAndTheEventsHearOfIt() throws Exception {
    Store store = new Store(dir.resolve("store"));
    List<String> failures = new CopyOnWriteArrayList<>();
    BuildEvents events =
        new BuildEvents() {
          @Override
          public void progress(String buildId, String step, String message) {}

          @Override
          public void toolOutput(String buildId, String step, String line) {}

          @Override
          public void failed(String buildId, String step, String message) {
            failures.add(buildId + " " + step + " " + message);
          }
        };
    StageRuntime runtime =
        new StageRuntime(store, new Extensions().add(new Refusing()), events);
    PlannedStep step = new PlannedStep("refusing", "refusing", "a".repeat(64), "{}", Map.of());
    StepRequest request = new StepRequest("build-1", "amd64", step, Map.of());

    BadInputException e =
        assertThrows(BadInputException.class, () -> runtime.run(request, Liveness.NONE));

    List<String> log = Files.readAllLines(store.logFile("build-1", "refusing"));
    assertTrue(log.get(0).startsWith("# " + StageRuntime.STARTED), log.toString());
    assertEquals("# looking at the input", log.get(1));
    assertTrue(
        log.get(2).matches("# failed after \\d+\\.\\d s: the input is wrong"), log.toString());
    assertEquals("# Hint: give another", log.get(3), "every line of the failure is a comment");
    assertEquals(4, log.size(), log.toString());
    assertEquals(List.of("build-1 refusing " + e.getMessage()), failures);
    assertSame(BadInputException.class, e.getClass());
    assertTrue(store.lookup("a".repeat(64)).isEmpty(), "nothing is stored for a failed step");
  }

  /** A plugin's stage with a defect. */
  static final class Careless extends TestStage {
    Careless() {
      super("careless");
    }

    @Override
    public StageOutput run(StageContext context, Map options) {
      Object nothing = options.get("missing");
      return StageOutput.of("length", Integer.toString(nothing.toString().length()));
    }
  }

  @Test
  void aPluginStagesDefectFailsTheStepNamingThePluginAndIsNotRetried() throws Exception {
    Store store = new Store(dir.resolve("store"));
    Origin origin = new Origin("careless-plugin", "0.9.0", dir.resolve("careless.jar"));
    StageRuntime runtime =
        new StageRuntime(store, new Extensions().add(new Careless(), origin), BuildEvents.NONE);
    PlannedStep step = new PlannedStep("careless", "careless", "b".repeat(64), "{}", Map.of());

    PluginFailedException e =
        assertThrows(PluginFailedException.class,
            () -> runtime.run(new StepRequest("build-2", "amd64", step, Map.of()), Liveness.NONE));

    assertTrue(e.getMessage().startsWith("the stage careless of plugin careless-plugin 0.9.0 ("
        + dir.resolve("careless.jar") + ") failed: java.lang.NullPointerException"),
        e.getMessage());
    io.temporal.failure.ApplicationFailure failure =
        (io.temporal.failure.ApplicationFailure) Failures.toFailure("stage careless", e);
    assertEquals(Failures.PLUGIN_FAILED, failure.getType());
    assertTrue(failure.isNonRetryable());
    assertTrue(Failures.NON_RETRYABLE.contains(Failures.PLUGIN_FAILED));
  }
  /** A stage that writes a mebibyte. */
  static final class Writing extends TestStage {
    Writing() {
      super("writing");
    }

    @Override
    public StageOutput run(StageContext context, Map options) throws Exception {
      Files.write(context.output().resolve("blob"), new byte[1 << 20]);
      return StageOutput.of("written", "1 MiB");
    }
  }

  @Test
  void aStepThatAddsAnObjectKeepsTheStoreToItsLimitButNeverDropsItsOwnBuilds() throws Exception {
    Store store = new Store(dir.resolve("store"));
    List<String> said = new CopyOnWriteArrayList<>();
    BuildEvents events =
        new BuildEvents() {
          @Override
          public void progress(String buildId, String step, String message) {
            said.add(buildId + " " + step + " " + message);
          }

          @Override
          public void toolOutput(String buildId, String step, String line) {}

          @Override
          public void failed(String buildId, String step, String message) {}
        };
    // 2.5 MiB: room for two objects of 1 MiB and their bookkeeping, not three.
    StageRuntime runtime = new StageRuntime(store, new Extensions().add(new Writing()), events,
        new StoreBudget(store, 5L << 19));
    String[] keys = {"c".repeat(64), "d".repeat(64), "e".repeat(64)};
    runtime.run(request("build-1", keys[0]), Liveness.NONE);
    runtime.run(request("build-2", keys[1]), Liveness.NONE);
    assertTrue(said.isEmpty(), "two objects fit: " + said);
    runtime.run(request("build-2", keys[2]), Liveness.NONE);

    assertTrue(store.lookup(keys[0]).isEmpty(), "the other build's object went");
    assertTrue(store.lookup(keys[1]).isPresent() && store.lookup(keys[2]).isPresent(),
        "build-2's own objects stay");
    assertEquals(1, said.size(), said.toString());
    assertTrue(said.get(0).matches("build-2 writing store over its 2\\.5 MiB limit: removed 1"
        + " object \\(1\\.0 MiB\\), 2\\.0 MiB left"), said.get(0));
  }

  /** A stage that starts from a copy of its tree and adds a file, as the example plugin does. */
  static final class Copying extends TestStage {
    Copying() {
      super("copying");
    }

    @Override
    public StageOutput run(StageContext context, Map options) throws Exception {
      Path tree = context.copyOfInput("tree");
      Files.writeString(tree.resolve("added"), "new\n");
      return new StageOutput(Map.of("greeting", "/added", "size", "own"));
    }
  }

  @Test
  void aStageThatCopiedItsInputKeepsThatInputsFactsUnderItsOwn() throws Exception {
    Store store = new Store(dir.resolve("store"));
    String inputKey = "a".repeat(64);
    try (Store.Pending pending = store.begin(inputKey)) {
      Files.writeString(pending.data().resolve("kept"), "old\n");
      pending.commit("configure", Map.of("kernel", "6.1.0-1-amd64", "size", "inherited"));
    }
    StepResult input =
        new StepResult("configure", "configure", inputKey, false, 1.0, Map.of("kernel", "x"));
    StageRuntime runtime =
        new StageRuntime(store, new Extensions().add(new Copying()), BuildEvents.NONE);
    StepResult result = runtime.run(new StepRequest("build-1", "amd64",
        new PlannedStep("copying", "copying", "b".repeat(64), "{}", Map.of("tree", "configure")),
        Map.of("tree", input)), Liveness.NONE);

    assertEquals(Map.of("kernel", "6.1.0-1-amd64", "greeting", "/added", "size", "own"),
        result.facts(), "the stored input's facts, the stage's own over them");
    Path out = store.lookup("b".repeat(64)).orElseThrow().data();
    assertEquals("old\n", Files.readString(out.resolve("kept")));
    assertEquals("new\n", Files.readString(out.resolve("added")));
  }

  /** A stage whose every run writes other bytes, as a file system image's tools may. */
  static final class Random extends TestStage {
    Random() {
      super("random");
    }

    @Override
    public StageOutput run(StageContext context, Map options) throws Exception {
      byte[] bytes = new byte[1 << 20];
      new SecureRandom().nextBytes(bytes);
      Files.write(context.output().resolve("disk"), bytes);
      return new StageOutput(Map.of());
    }
  }

  /** A conversion: a copy of its input's disk. */
  static final class Converting extends TestStage {
    Converting() {
      super("converting");
    }

    @Override
    public StageOutput run(StageContext context, Map options) throws Exception {
      Files.copy(context.input("disk").resolve("disk"), context.output().resolve("disk"));
      return new StageOutput(Map.of());
    }
  }

  /**
   * A CI run published a raw disk and a vmdk that differed: the store's size limit had removed the
   * cheap raw disk and kept the costly vmdk converted from it, and the next build made the raw
   * disk again (other bytes: file systems carry their tools' choices) beside the old vmdk. An
   * object now records the inputs it read, and none of them goes without it.
   */
  @Test
  void aRemadeInputNeverMeetsAnObjectMadeFromTheOneItReplaced() throws Exception {
    Store store = new Store(dir.resolve("store"));
    StageRuntime runtime = new StageRuntime(store,
        new Extensions().add(new Random()).add(new Converting()), BuildEvents.NONE);
    String rawKey = "b".repeat(64);
    String vmdkKey = "a".repeat(64);
    PlannedStep raw = new PlannedStep("partition", "random", rawKey, "{}", Map.of());
    PlannedStep vmdk = new PlannedStep("convert", "converting", vmdkKey, "{}",
        Map.of("disk", "partition"));
    for (String build : List.of("build-1", "build-2")) {
      StepResult made = runtime.run(new StepRequest(build, "amd64", raw, Map.of()), Liveness.NONE);
      runtime.run(new StepRequest(build, "amd64", vmdk, Map.of("disk", made)), Liveness.NONE);
      JsonNode meta = new ObjectMapper().readTree(
          store.root().resolve("objects/" + vmdkKey + "/meta.json").toFile());
      assertEquals("[\"" + rawKey + "\"]", String.valueOf(meta.get("inputs")),
          "the vmdk records the raw disk it read");
      assertTrue(Arrays.equals(
          Files.readAllBytes(store.lookup(rawKey).orElseThrow().data().resolve("disk")),
          Files.readAllBytes(store.lookup(vmdkKey).orElseThrow().data().resolve("disk"))),
          build + ": the stored vmdk is the stored raw disk");
      // One object over the limit: the raw disk, used an hour before the vmdk and cheap, ranks
      // below it, but goes only after what was made from it: the vmdk goes.
      Files.setLastModifiedTime(store.root().resolve("objects/" + rawKey + "/meta.json"),
          FileTime.from(Instant.now().minusSeconds(3600)));
      StoreBudget.recordCost(store, vmdkKey, 90);
      long all = new StoreBudget(store, Long.MAX_VALUE).trim(Set.of()).bytesBefore();
      assertEquals(1,
          new StoreBudget(store, all - 1).trim(Set.of()).removed().size());
    }
  }

  private static StepRequest request(String buildId, String key) {
    return new StepRequest(buildId, "amd64",
        new PlannedStep("writing", "writing", key, "{}", Map.of()), Map.of());
  }
}
