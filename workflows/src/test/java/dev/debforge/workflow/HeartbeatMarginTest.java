package dev.debforge.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.engine.Workers;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A step's heartbeat reaches the service often enough that a busy worker keeps its step: the SDK
 * sent one every 16 s of the 20 s timeout, and a CI run lost steps to a stall of a few seconds.
 */
class HeartbeatMarginTest {

  @Test
  void everyWorkerSendsHeartbeatsWellWithinTheStepsTimeout() {
    Duration sent = Workers.options(4).getMaxHeartbeatThrottleInterval();
    assertEquals(Duration.ofSeconds(5), sent);
    Duration margin = ImageBuildWorkflowImpl.STAGE_OPTIONS.getHeartbeatTimeout().minus(sent);
    assertTrue(margin.compareTo(Duration.ofSeconds(15)) >= 0, "a stall may last " + margin);
  }
}
