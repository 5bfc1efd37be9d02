package dev.debforge.stage.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.debforge.plugin.BadInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeployStageTest {

  private static final String ROOT = "11111111-2222-8333-8444-555555555555";
  private static final String BOOT = "66666666-7777-8888-9999-aaaaaaaaaaaa";

  @Test
  void acceptsWhatThePlanComputes() throws Exception {
    DeployStage.validate(
        new DeployOptions(
            "debian", List.of("root=UUID=" + ROOT, "rw"), ROOT, BOOT, "1234-ABCD", "ext4"));
  }

  @Test
  void rejectsAnUnknownRootFileSystem() {
    assertEquals(
        "deploy: rootFsType 'zfs' is not supported\nHint: use one of ext4, xfs, btrfs",
        message(new DeployOptions("debian", List.of(), ROOT, BOOT, "1234-ABCD", "zfs")));
  }

  @Test
  void rejectsAnEspIdNotInFstabForm() {
    assertEquals(
        "deploy: espUuid '1234ABCD' is not a FAT volume id\n"
            + "Hint: write it as fstab does, eight upper-case hex digits: 1234-ABCD",
        message(new DeployOptions("debian", List.of(), ROOT, BOOT, "1234ABCD", "ext4")));
  }

  @Test
  void rejectsABadRootUuid() {
    assertEquals(
        "deploy: rootUuid 'nope' is not a UUID\nHint: write it as 8-4-4-4-12 hex digits",
        message(new DeployOptions("debian", List.of(), "nope", BOOT, "1234-ABCD", "ext4")));
  }

  @Test
  void rejectsTwoArgumentsInOneElement() {
    assertEquals(
        "deploy: kernel argument 'quiet splash' is empty or contains blanks\n"
            + "Hint: give one argument per list element",
        message(
            new DeployOptions(
                "debian", List.of("quiet splash"), ROOT, BOOT, "1234-ABCD", "ext4")));
  }

  private static String message(DeployOptions options) {
    return assertThrows(BadInputException.class, () -> DeployStage.validate(options))
        .getMessage();
  }
}
