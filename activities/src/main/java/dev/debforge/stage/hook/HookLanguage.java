package dev.debforge.stage.hook;

/**
 * A language hooks may be written in: the recipe's name and GraalVM's language id. With {@link
 * HookOptions} and {@link HookPoint} it lives in activities, so that plans can make hook steps
 * without depending on GraalVM; the stage itself is in the {@code hooks} module.
 */
public enum HookLanguage {
  JAVASCRIPT("javascript", "js", 256),
  PYTHON("python", "python", 512);

  private final String id;
  private final String graalId;
  private final int heapMegabytes;

  HookLanguage(String id, String graalId, int heapMegabytes) {
    this.id = id;
    this.graalId = graalId;
    this.heapMegabytes = heapMegabytes;
  }

  /** The name in recipes: {@code javascript} or {@code python}. */
  public String id() {
    return id;
  }

  /** GraalVM polyglot's id of the language. */
  public String graalId() {
    return graalId;
  }

  /** The child JVM's default heap cap: GraalPy needs about twice what GraalJS does. */
  public int heapMegabytes() {
    return heapMegabytes;
  }

  public static HookLanguage of(String id) {
    for (HookLanguage language : values()) {
      if (language.id.equals(id)) {
        return language;
      }
    }
    throw new IllegalArgumentException("'" + id + "' is not a hook language; use javascript or"
        + " python");
  }
}
