package dev.debforge.activity;

/**
 * Where a worker reports what its steps are doing, beside the step logs in the store. The CLI's
 * embedded engine prints these; a standalone worker logs them.
 */
public interface BuildEvents {

  /** A stage's own progress message ("installing 183 packages", "42 % written"). */
  void progress(String buildId, String step, String message);

  /** One line a tool printed. */
  void toolOutput(String buildId, String step, String line);

  /**
   * A step failed with this message (its hint included). The CLI reports a failed build itself,
   * so only a standalone worker prints these.
   */
  default void failed(String buildId, String step, String message) {}

  /** Events that go nowhere. */
  BuildEvents NONE =
      new BuildEvents() {
        @Override
        public void progress(String buildId, String step, String message) {}

        @Override
        public void toolOutput(String buildId, String step, String line) {}
      };
}
