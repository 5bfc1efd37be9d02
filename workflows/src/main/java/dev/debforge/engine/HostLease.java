package dev.debforge.engine;

/**
 * A worker's answer to a build's claim: the queue where the build's plan and steps go.
 *
 * @param taskQueue the worker's own queue
 * @param worker who the worker is, as {@code HOST pid PID}, for status and logs
 * @param stepsAtOnce how many independent steps of the build the worker runs at once; 0 in
 *     histories from before it, which ran one at a time
 */
public record HostLease(String taskQueue, String worker, int stepsAtOnce) {

  public HostLease(String taskQueue, String worker) {
    this(taskQueue, worker, 1);
  }
}
