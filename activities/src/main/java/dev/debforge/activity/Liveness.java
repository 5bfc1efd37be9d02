package dev.debforge.activity;

/**
 * What a running step reports to its activity: progress messages, and checks that the build
 * was not cancelled. Both may throw when it was; the step then stops and kills its tools.
 */
public interface Liveness {

  /** The step's latest progress, sent with the next heartbeat. */
  void progress(String message);

  /** Throws when the step must stop. */
  void check();

  /** Never stops and reports nowhere: for steps run outside Temporal. */
  Liveness NONE =
      new Liveness() {
        @Override
        public void progress(String message) {}

        @Override
        public void check() {}
      };
}
