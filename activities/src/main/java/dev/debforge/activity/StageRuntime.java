package dev.debforge.activity;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.extension.Extensions;
import dev.debforge.extension.Origin;
import dev.debforge.plan.PlannedStep;
import dev.debforge.plan.StepRequest;
import dev.debforge.plan.StepResult;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolException;
import dev.debforge.plugin.ToolRunner;
import dev.debforge.process.HostTools;
import dev.debforge.process.ProcessRunner;
import dev.debforge.store.Store;
import dev.debforge.store.StoreBudget;
import dev.debforge.store.StoreUsage;
import dev.debforge.store.StoredObject;
import dev.debforge.store.Trees;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs one planned step against the store: a step whose output exists returns at once as a cache
 * hit; otherwise its stage fills a pending object that becomes visible only when the stage
 * succeeds. What its tools print goes to the step's log file in the store and to the
 * {@link BuildEvents}.
 */
public final class StageRuntime {

  static final ObjectMapper OPTIONS =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  /** The first line of each run of a step in its log; a cache hit writes none. */
  public static final String STARTED = "step started";

  private static final long PID = ProcessHandle.current().pid();
  private static final String HOST = HostTools.hostName();

  private final Store store;
  private final Extensions registry;
  private final BuildEvents events;
  private final StoreBudget budget;

  public StageRuntime(Store store, Extensions registry, BuildEvents events) {
    this(store, registry, events, null);
  }

  /**
   * @param budget the store's size limit, kept to after each step that adds an object; null for
   *     none
   */
  public StageRuntime(Store store, Extensions registry, BuildEvents events, StoreBudget budget) {
    this.store = store;
    this.registry = registry;
    this.events = events;
    this.budget = budget;
  }

  /** Where the steps report what they do. */
  public BuildEvents events() {
    return events;
  }

  public Store store() {
    return store;
  }

  public Extensions registry() {
    return registry;
  }

  /**
   * Runs the step.
   *
   * @param liveness receives the step's progress and is checked while tools run; it throws when
   *     the build was cancelled, which stops the step and kills its tools
   */
  public StepResult run(StepRequest request, Liveness liveness) throws Exception {
    PlannedStep step = request.step();
    Stage<?> stage = registry.get(step.stage());
    long started = System.nanoTime();
    if (step.key() != null) {
      Optional<StoredObject> hit = store.lookup(step.key());
      if (hit.isPresent()) {
        store.recordUse(request.buildId(), step.key());
        return new StepResult(step.name(), step.stage(), step.key(), true, 0, hit.get().facts());
      }
    }
    Path log = store.logFile(request.buildId(), step.name());
    try (BufferedWriter logWriter =
            Files.newBufferedWriter(
                log,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        Store.Pending pending = store.begin(keyOrScratch(step))) {
      Consumer<String> toolLine =
          line -> {
            writeLine(logWriter, line);
            events.toolOutput(request.buildId(), step.name(), line);
          };
      Context context =
          new Context(
              request,
              pending,
              new ProcessRunner(toolLine, liveness::check),
              message -> {
                writeLine(logWriter, "# " + message);
                events.progress(request.buildId(), step.name(), message);
                liveness.progress(message);
              });
      writeLine(logWriter, "# " + STARTED + " on " + HOST + " (pid " + PID + ")");
      try {
        return runAndCommit(request, stage, context, pending, logWriter, started);
      } finally {
        // After the commit: an input held until its dependent is visible cannot go first.
        context.releaseInputs();
      }
    }
  }

  private StepResult runAndCommit(StepRequest request, Stage<?> stage, Context context,
      Store.Pending pending, BufferedWriter logWriter, long started) throws Exception {
    PlannedStep step = request.step();
    StageOutput output;
    try {
      output = withInheritedFacts(context, runTyped(stage, context, step.options()));
    } catch (Exception e) {
      // The log ends with why the step stopped, for `debforge logs`.
      String why = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
      writeLine(logWriter, String.format(Locale.ROOT, "# failed after %.1f s: %s",
          (System.nanoTime() - started) / 1e9, why.replace("\n", "\n# ")));
      events.failed(request.buildId(), step.name(), why);
      Optional<Origin> plugin = registry.origin(stage.id());
      if (plugin.isPresent() && PluginFailedException.unexpected(e)) {
        throw new PluginFailedException(plugin.get(), stage.id(), e);
      }
      throw e;
    }
    pending.removeScratch();
    double seconds = (System.nanoTime() - started) / 1e9;
    if (step.key() == null) {
      return new StepResult(step.name(), step.stage(), null, false, seconds, output.facts());
    }
    StoredObject stored = pending.commit(step.stage(), output.facts(), context.inputKeys());
    store.recordUse(request.buildId(), step.key());
    StoreBudget.recordCost(store, step.key(), seconds);
    keepToBudget(request.buildId(), step.name());
    return new StepResult(step.name(), step.stage(), step.key(), false, seconds, stored.facts());
  }

  /**
   * Removes objects while the store is over its budget, least recently used first (weighed by
   * what they cost to make, {@link StoreBudget}), never one this build used. The step itself
   * succeeded: a store that cannot be trimmed is reported, not fatal.
   */
  private void keepToBudget(String buildId, String stepName) {
    if (budget == null) {
      return;
    }
    try {
      StoreBudget.Trimmed trimmed = budget.trim(store.usedBy(buildId));
      if (!trimmed.removed().isEmpty()) {
        events.progress(buildId, stepName, String.format(Locale.ROOT,
            "store over its %s limit: removed %d object%s (%s), %s left",
            StoreUsage.human(budget.maxBytes()), trimmed.removed().size(),
            trimmed.removed().size() == 1 ? "" : "s", StoreUsage.human(trimmed.freedBytes()),
            StoreUsage.human(trimmed.bytesAfter())));
      } else if (trimmed.bytesAfter() > budget.maxBytes()) {
        events.progress(buildId, stepName, String.format(Locale.ROOT,
            "store at %s, over its %s limit, but this build uses all that is left",
            StoreUsage.human(trimmed.bytesAfter()), StoreUsage.human(budget.maxBytes())));
      }
    } catch (IOException | RuntimeException e) {
      events.progress(buildId, stepName, "could not keep the store to its size limit: " + e);
    }
  }

  /**
   * A stage that started from a copy of its input leaves that input's facts too (a plugin's stage
   * after deploy keeps the deployment's facts, which the bootloader reads), its own on top.
   */
  private static StageOutput withInheritedFacts(Context context, StageOutput output) {
    if (context.copied == null) {
      return output;
    }
    Map<String, String> facts = new java.util.TreeMap<>(context.facts(context.copied));
    facts.putAll(output.facts());
    return new StageOutput(facts);
  }

  private static String keyOrScratch(PlannedStep step) {
    // Steps that are not cached (publishing, verifying) still get a private scratch area.
    return step.key() != null ? step.key() : "0000000000000000";
  }

  private static <O> StageOutput runTyped(Stage<O> stage, StageContext context, String options)
      throws Exception {
    O typed = OPTIONS.readValue(options, stage.optionsType());
    return stage.run(context, typed);
  }

  private static void writeLine(BufferedWriter writer, String line) {
    synchronized (writer) {
      try {
        writer.write(line);
        writer.newLine();
        writer.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private final class Context implements StageContext {
    private final StepRequest request;
    private final Store.Pending pending;
    private final ToolRunner tools;
    private final Consumer<String> progress;
    /** The role {@link #copyOfInput} copied, whose facts the output keeps. */
    private String copied;
    // The inputs read so far, held against `debforge store gc` until the step ends.
    private final Map<String, Store.Use> inputs = new java.util.HashMap<>();

    Context(
        StepRequest request, Store.Pending pending, ToolRunner tools, Consumer<String> progress) {
      this.request = request;
      this.pending = pending;
      this.tools = tools;
      this.progress = progress;
    }

    @Override
    public Path input(String role) {
      return object(role).data();
    }

    @Override
    public Map<String, String> facts(String role) {
      return object(role).facts();
    }

    private synchronized StoredObject object(String role) {
      StepResult input = request.inputs().get(role);
      if (input == null) {
        throw new IllegalArgumentException(
            "step " + request.step().name() + " has no input '" + role + "'");
      }
      Store.Use held = inputs.get(input.key());
      if (held == null) {
        try {
          held =
              store
                  .use(input.key())
                  .orElseThrow(
                      () ->
                          new InputMissingException(
                              "the output of step "
                                  + input.name()
                                  + " ("
                                  + input.key()
                                  + ") is not in the store at "
                                  + store.root()));
          store.recordUse(request.buildId(), input.key());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        inputs.put(input.key(), held);
      }
      return held.object();
    }

    /** The keys of the inputs the stage read: what its object is made from. */
    synchronized Set<String> inputKeys() {
      return Set.copyOf(inputs.keySet());
    }

    synchronized void releaseInputs() {
      inputs.values().forEach(Store.Use::close);
      inputs.clear();
    }

    @Override
    public Path output() {
      return pending.data();
    }

    @Override
    public Path copyOfInput(String role) throws ToolException {
      Path from = input(role);
      progress.accept("copying the " + role + " of step " + request.inputs().get(role).name());
      tools.run(Trees.copy(from, pending.data(), false));
      copied = role;
      return pending.data();
    }

    @Override
    public Path scratch() {
      try {
        return pending.scratch();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Path sharedCache(String name) {
      try {
        return store.sharedCache(name);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public ToolRunner tools() {
      return tools;
    }

    @Override
    public void progress(String message) {
      progress.accept(message);
    }

    @Override
    public String architecture() {
      return request.architecture();
    }
  }
}
