package dev.debforge.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildSlotsTest {

  @Test
  void fillsUpThenRefusesAndTellsWhenFullAndWhenFreeAgain() {
    BuildSlots slots = new BuildSlots(2);
    List<Boolean> told = new ArrayList<>();
    slots.listen(told::add);
    assertTrue(slots.take("a"));
    assertEquals(List.of(), told);
    assertTrue(slots.take("b"));
    assertEquals(List.of(true), told);
    assertFalse(slots.take("c"));
    slots.release("a");
    assertEquals(List.of(true, false), told);
    assertTrue(slots.take("c"));
    assertEquals(List.of("b", "c"), slots.builds());
  }

  @Test
  void aRetriedClaimKeepsItsSlotAndTakesNoSecond() {
    BuildSlots slots = new BuildSlots(1);
    assertTrue(slots.take("a"));
    assertTrue(slots.take("a"));
    assertEquals(List.of("a"), slots.builds());
    slots.release("unknown");
    assertEquals(List.of("a"), slots.builds());
  }

  @Test
  void aWorkerRunsAtLeastOneBuild() {
    assertThrows(IllegalArgumentException.class, () -> new BuildSlots(0));
  }

  @Test
  void aFullWorkerAnswersBusySoTheClaimIsRetried() {
    BuildSlots slots = new BuildSlots(1);
    HostActivitiesImpl host =
        new HostActivitiesImpl(new HostLease("debforge-host-x", "x pid 1"), slots, List.of());
    assertEquals("debforge-host-x", host.claim("a", List.of()).taskQueue());
    io.temporal.failure.ApplicationFailure busy =
        assertThrows(
            io.temporal.failure.ApplicationFailure.class, () -> host.claim("b", List.of()));
    assertEquals(HostActivities.BUSY, busy.getType());
    assertFalse(busy.isNonRetryable());
    host.release("a");
    assertEquals("debforge-host-x", host.claim("b", List.of()).taskQueue());
  }

  @Test
  void aWorkerLackingAPluginTheBuildNeedsRefusesItWithoutTakingASlot() {
    BuildSlots slots = new BuildSlots(1);
    HostActivitiesImpl host =
        new HostActivitiesImpl(
            new HostLease("debforge-host-x", "x pid 1"), slots,
            List.of("type:qcow2", "plugin:hello@1.0.0"));
    io.temporal.failure.ApplicationFailure lacking =
        assertThrows(
            io.temporal.failure.ApplicationFailure.class,
            () -> host.claim("a", List.of("type:qcow2", "plugin:hello@2.0.0", "type:iso")));
    assertEquals(HostActivities.LACKING, lacking.getType());
    assertTrue(lacking.isNonRetryable(), "the workflow waits; the server does not retry");
    assertTrue(
        lacking.getOriginalMessage().endsWith("lacks plugin hello@2.0.0, type iso"),
        lacking.getOriginalMessage());
    assertEquals(List.of(), slots.builds());
    assertEquals(
        "debforge-host-x", host.claim("a", List.of("plugin:hello", "type:qcow2")).taskQueue());
  }

  @Test
  void aPluginNeedWithoutVersionIsMetByAnyVersionAndAPinnedOneOnlyByItsOwn() {
    List<String> offered = List.of("plugin:hello@1.2.0", "type:raw");
    assertEquals(List.of(), Capabilities.unmet(List.of("plugin:hello", "type:raw"), offered));
    assertEquals(
        List.of("plugin:hello@1.3.0"), Capabilities.unmet(List.of("plugin:hello@1.3.0"), offered));
    assertEquals(List.of("plugin:hell"), Capabilities.unmet(List.of("plugin:hell"), offered));
  }
}
