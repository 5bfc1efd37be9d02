package dev.debforge.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AcceleratorTest {

  @Test
  void readsTheOverrideInAnyCase() {
    assertEquals(Accelerator.KVM, Accelerator.fromOverride("kvm"));
    assertEquals(Accelerator.TCG, Accelerator.fromOverride(" TCG "));
  }

  @Test
  void treatsAnUnsetOverrideAsDetect() {
    assertNull(Accelerator.fromOverride(null));
    assertNull(Accelerator.fromOverride(""));
  }

  @Test
  void rejectsAnUnknownOverrideWithAHint() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Accelerator.fromOverride("hvf"));
    assertTrue(e.getMessage().contains("DEBFORGE_ACCEL='hvf'"));
    assertTrue(e.getMessage().contains("Hint: set it to kvm or tcg"));
  }

  @Test
  void usesTcgForAForeignArchitecture() {
    if (System.getenv(Accelerator.OVERRIDE_VARIABLE) == null) {
      String foreign = Accelerator.hostArchitecture().equals("arm64") ? "amd64" : "arm64";
      assertEquals(Accelerator.TCG, Accelerator.detectFor(foreign));
    }
  }
}
