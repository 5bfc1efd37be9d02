package dev.debforge.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a key is the hash of. The text is pinned: a stored object is found again only by the same
 * text, so a change to it (a field, its order, the format) must be a deliberate one, made with
 * {@link Keys#STORE_FORMAT} raised when old objects must no longer be found.
 */
class KeysTest {

  @Test
  void aKeyIsTheHashOfTheFormatStageVersionArchitectureOptionsAndInputsInThatOrder() {
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("tree", "t1");
    inputs.put("commit", "c1");
    assertEquals(
        Keys.sha256("format=2\nstage=oci-export\nversion=3\narch=amd64\noptions={\"tag\":\"v1\"}\n"
            + "input.commit=c1\ninput.tree=t1\n"),
        Keys.of("oci-export", 3, "amd64", "{\"tag\":\"v1\"}", inputs));
    assertEquals(
        Keys.sha256("format=2\nstage=iso\nversion=1\nplugin=installer-iso@0.1.0\narch=arm64\n"
            + "options={}\n"),
        Keys.of("iso", 1, "installer-iso@0.1.0", "arm64", "{}", Map.of()));
  }

  @Test
  void everyPartChangesTheKeyButTheOrderTheInputsAreGivenIn() {
    String key = Keys.of("partition", 4, "amd64", "{}", Map.of("tree", "t", "boot", "b"));
    Map<String, String> reversed = new LinkedHashMap<>();
    reversed.put("boot", "b");
    reversed.put("tree", "t");
    assertEquals(key, Keys.of("partition", 4, "amd64", "{}", reversed));
    assertNotEquals(key, Keys.of("partition", 5, "amd64", "{}", Map.of("tree", "t", "boot", "b")));
    assertNotEquals(key, Keys.of("partition", 4, "arm64", "{}", Map.of("tree", "t", "boot", "b")));
    assertNotEquals(key, Keys.of("partition", 4, "amd64", "{\"a\":1}",
        Map.of("tree", "t", "boot", "b")));
    assertNotEquals(key, Keys.of("partition", 4, "amd64", "{}", Map.of("tree", "t2", "boot", "b")));
    assertNotEquals(key,
        Keys.of("partition", 4, "p@1", "amd64", "{}", Map.of("tree", "t", "boot", "b")));
  }
}
