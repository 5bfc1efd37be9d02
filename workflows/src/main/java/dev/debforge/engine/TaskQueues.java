package dev.debforge.engine;

/**
 * The names of debforge's task queues.
 *
 * <ul>
 *   <li>{@code debforge-workflows}: workflow tasks, which any worker runs;
 *   <li>{@code debforge-amd64}, {@code debforge-arm64}: the first step of each build, which
 *       claims a worker of that architecture with room for one more build;
 *   <li>{@code debforge-host-<worker>}: one worker process's own queue, where the claimed
 *       build's plan and steps run, next to the files they leave in that worker's store.
 * </ul>
 */
public final class TaskQueues {

  public static final String WORKFLOWS = "debforge-workflows";

  private TaskQueues() {}

  /** The queue shared by every worker of an architecture: {@code debforge-amd64}. */
  public static String forArchitecture(String debianArch) {
    return "debforge-" + debianArch;
  }

  /** One worker process's own queue. */
  public static String forWorker(String workerId) {
    return "debforge-host-" + workerId;
  }
}
