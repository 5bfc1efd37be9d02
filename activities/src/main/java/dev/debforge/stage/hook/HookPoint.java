package dev.debforge.stage.hook;

import java.util.Arrays;
import java.util.List;

/** Where in a build a hook runs; the id is the recipe's {@code at} value. */
public enum HookPoint {
  /** On the root filesystem once the packages are installed, before it is configured. */
  AFTER_PACKAGES("after-packages", "tree"),
  /** On the finished root filesystem, just before the OSTree commit. */
  BEFORE_COMMIT("before-commit", "tree"),
  /** On a disk's deployment, inside the deployed sysroot, before the boot loader is written. */
  AFTER_DEPLOY("after-deploy", "sysroot");

  private final String id;
  private final String inputRole;

  HookPoint(String id, String inputRole) {
    this.id = id;
    this.inputRole = inputRole;
  }

  public String id() {
    return id;
  }

  /** The role of the hook step's one input: {@code tree}, or {@code sysroot} after deploy. */
  public String inputRole() {
    return inputRole;
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(HookPoint::id).toList();
  }

  public static HookPoint of(String id) {
    for (HookPoint point : values()) {
      if (point.id.equals(id)) {
        return point;
      }
    }
    throw new IllegalArgumentException(
        "'" + id + "' is not a hook point; use one of " + String.join(", ", ids()));
  }
}
