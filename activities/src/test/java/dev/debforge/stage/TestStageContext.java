package dev.debforge.stage;

import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.ToolException;
import dev.debforge.plugin.ToolRunner;
import dev.debforge.process.ProcessRunner;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a stage in a test without Temporal or the store: inputs are directories the test made,
 * tools run for real through the product's {@link ProcessRunner}, progress is collected.
 */
public final class TestStageContext implements StageContext {

  private final Path base;
  private final String architecture;
  private final Map<String, Path> inputs = new HashMap<>();
  private final Map<String, Map<String, String>> facts = new HashMap<>();
  private final ToolRunner tools = ProcessRunner.logging(line -> {});
  public final List<String> progress = new ArrayList<>();

  public TestStageContext(Path base, String architecture) throws IOException {
    this.base = base;
    this.architecture = architecture;
    Files.createDirectories(output());
    Files.createDirectories(scratch());
  }

  public TestStageContext withInput(String role, Path dir, Map<String, String> roleFacts) {
    inputs.put(role, dir);
    facts.put(role, Map.copyOf(roleFacts));
    return this;
  }

  @Override
  public Path input(String role) {
    Path dir = inputs.get(role);
    if (dir == null) {
      throw new IllegalArgumentException("the test gave no input '" + role + "'");
    }
    return dir;
  }

  @Override
  public Map<String, String> facts(String role) {
    return facts.getOrDefault(role, Map.of());
  }

  @Override
  public Path output() {
    return base.resolve("output");
  }

  @Override
  public Path copyOfInput(String role) throws ToolException {
    tools.run(Trees.copy(input(role), output(), false));
    return output();
  }

  @Override
  public Path scratch() {
    return base.resolve("scratch");
  }

  @Override
  public Path sharedCache(String name) {
    Path dir = base.resolve("cache").resolve(name);
    try {
      return Files.createDirectories(dir);
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
    progress.add(message);
  }

  @Override
  public String architecture() {
    return architecture;
  }
}
