package dev.debforge.engine;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * How a build gets a worker: it claims one on its architecture's shared queue, runs every step
 * on the queue the claim answers with, and releases the worker at the end.
 */
@ActivityInterface
public interface HostActivities {

  /**
   * Takes one of this worker's build slots for the build; fails with {@link #BUSY}, which is
   * retried, when another build took the last slot first, and with {@link #LACKING}, which the
   * workflow waits on, when this worker cannot serve what the build needs.
   *
   * @param needs what the build needs of its worker: {@code type:ID} for each output type,
   *     {@code plugin:ID} or {@code plugin:ID@VERSION} for each plugin (see {@link Capabilities})
   */
  @ActivityMethod(name = "claim-worker")
  HostLease claim(String buildId, List<String> needs);

  /** Gives the build's slot back. */
  @ActivityMethod(name = "release-worker")
  void release(String buildId);

  /** The failure type of a claim that reached a worker with no free slot. */
  String BUSY = "WorkerBusy";

  /** The failure type of a claim that reached a worker lacking a plugin or type the build needs. */
  String LACKING = "WorkerLacksPlugins";
}
