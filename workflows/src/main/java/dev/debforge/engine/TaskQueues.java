package dev.debforge.engine;

/** The names of debforge's task queues. */
public final class TaskQueues {

  private TaskQueues() {}

  /** The queue shared by every worker of an architecture: {@code debforge-amd64}. */
  public static String forArchitecture(String debianArch) {
    return "debforge-" + debianArch;
  }
}
