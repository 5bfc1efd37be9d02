package dev.debforge.stage.hook;

import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolCall;
import dev.debforge.store.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code hook}: runs one recipe hook, a JavaScript or Python script, on a copy of the image.
 *
 * <p>Input: role {@code tree} (a root filesystem, at {@code after-packages} and {@code
 * before-commit}) or {@code sysroot} (a deploy step's output, at {@code after-deploy}; the
 * script's {@code /} is then the deployment named by the input's {@code deployment} fact). The
 * stage copies the input to its output and runs the script against the copy in a sandboxed child
 * JVM ({@link HookProcess}, {@link Sandbox}). The script changes files itself through the API
 * ({@link HookApi}); what needs privileges or the image's tools (packages, groups, users, owners,
 * services, kernel arguments) it only asks for, and this stage applies that afterwards
 * ({@link HookChanges}). Every change is in the step's log.
 *
 * <p>A script that fails, runs past its deadline or its statement limit, or fills its heap is
 * bad input: the build stops at once (exit code 2) with the script's file, line and stack.
 *
 * <p>Facts: the input's facts, so that the steps after the hook read what they would have read
 * from its input, plus {@code hook} (the hook's name).
 */
public final class HookStage implements Stage<HookOptions> {

  public static final String ID = "hook";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public Class<HookOptions> optionsType() {
    return HookOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, HookOptions options) throws Exception {
    HookPoint point = options.point();
    String role = point.inputRole();
    Path output = context.output();
    context.progress("copying the " + role);
    context.tools().run(Trees.copy(context.input(role), output, false));
    Map<String, String> facts = new TreeMap<>(context.facts(role));
    Path root = point == HookPoint.AFTER_DEPLOY ? deployment(output, facts) : output;
    context.progress("hook " + options.name() + " (" + options.language() + ", "
        + options.sourceName() + ") at " + options.at());
    long started = System.nanoTime();
    HookRequests requests =
        HookProcess.run(context.tools(), options, root, context.architecture(),
            context.scratch(), context.sharedCache("graalvm"));
    context.progress(String.format("hook %s finished in %.1f s", options.name(),
        (System.nanoTime() - started) / 1e9));
    HookChanges.apply(context.tools(), root, options.name(), requests, context::progress);
    if (point == HookPoint.AFTER_DEPLOY) {
      // ostree leaves a deployment's root immutable, and the copy dropped that bit.
      context.tools().run(ToolCall.of(List.of("chattr", "+i", root.toString()),
          Duration.ofMinutes(1)));
    }
    facts.put("hook", options.name());
    return new StageOutput(facts);
  }

  /** The deployment inside a deploy step's output, from its {@code deployment} fact. */
  static Path deployment(Path output, Map<String, String> facts) throws BadInputException {
    String deployment = facts.get("deployment");
    if (deployment == null || deployment.contains("..")) {
      throw new BadInputException(
          "hook at after-deploy: the input is not a deploy step's sysroot (no deployment fact)",
          "an after-deploy hook's input must be the deploy step's output");
    }
    Path root = output.resolve("sysroot").resolve(deployment);
    if (!Files.isDirectory(root)) {
      throw new BadInputException(
          "hook at after-deploy: the deployment " + deployment + " is not in the sysroot", null);
    }
    return root;
  }
}
