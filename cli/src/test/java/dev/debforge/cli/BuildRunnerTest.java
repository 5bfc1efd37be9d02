package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildRunnerTest {

  @Test
  void anArtifactIsPrintedPathAndTypeFirstThenItsFactsByName() {
    Map<String, String> facts = new HashMap<>();
    facts.put("size", "10737418240");
    facts.put("bmapChecksum", "0af2");
    facts.put("type", "raw");
    facts.put("bmap", "/out/image/disk.raw.bmap");
    facts.put("artifact", "/out/image/disk.raw");
    assertEquals(
        List.of("artifact", "type", "bmap", "bmapChecksum", "size"),
        List.copyOf(BuildRunner.artifactJson(facts).keySet()));
    assertEquals(facts, BuildRunner.artifactJson(facts));
  }
}
