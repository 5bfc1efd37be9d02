package dev.debforge.engine;

/**
 * A worker's answer to a build's claim: the queue where the build's plan and steps go.
 *
 * @param taskQueue the worker's own queue
 * @param worker who the worker is, as {@code HOST pid PID}, for status and logs
 */
public record HostLease(String taskQueue, String worker) {}
