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
        new HostActivitiesImpl(new HostLease("debforge-host-x", "x pid 1"), slots);
    assertEquals("debforge-host-x", host.claim("a").taskQueue());
    io.temporal.failure.ApplicationFailure busy =
        assertThrows(io.temporal.failure.ApplicationFailure.class, () -> host.claim("b"));
    assertEquals(HostActivities.BUSY, busy.getType());
    assertFalse(busy.isNonRetryable());
    host.release("a");
    assertEquals("debforge-host-x", host.claim("b").taskQueue());
  }
}
