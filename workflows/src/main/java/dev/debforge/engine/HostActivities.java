package dev.debforge.engine;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * How a build gets a worker: it claims one on its architecture's shared queue, runs every step
 * on the queue the claim answers with, and releases the worker at the end.
 */
@ActivityInterface
public interface HostActivities {

  /**
   * Takes one of this worker's build slots for the build; fails with {@link #BUSY}, which is
   * retried, when another build took the last slot first.
   */
  @ActivityMethod(name = "claim-worker")
  HostLease claim(String buildId);

  /** Gives the build's slot back. */
  @ActivityMethod(name = "release-worker")
  void release(String buildId);

  /** The failure type of a claim that reached a worker with no free slot. */
  String BUSY = "WorkerBusy";
}
