package dev.debforge.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The apt source lines a build installs from. With no mirror in the recipe, debforge uses the
 * archives the host's apt is configured with (what {@code apt-get indextargets} reports), so no
 * mirror is hard-coded and a host behind a proxy or a local mirror just works.
 */
public final class AptSources {

  static final String FALLBACK = "http://deb.debian.org/debian";

  private AptSources() {}

  /**
   * The source lines for a suite.
   *
   * @param mirror the recipe's mirror, or null to use {@code hostUris}
   * @param hostUris the host's archive URIs, as {@code apt-get indextargets} prints them
   */
  public static List<String> lines(
      String suite, List<String> components, String mirror, List<String> hostUris) {
    String comps = String.join(" ", components);
    List<String> lines = new ArrayList<>();
    boolean stable = !suite.equals("sid") && !suite.equals("unstable");
    if (mirror != null) {
      lines.add("deb " + mirror + " " + suite + " " + comps);
      if (stable && !mirror.contains("/archive/debian/")) {
        lines.add("deb " + mirror + " " + suite + "-updates " + comps);
      }
      return lines;
    }
    String main = null;
    String security = null;
    for (String uri : hostUris) {
      String trimmed = uri.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.contains("debian-security")) {
        security = security == null ? trimmed : security;
      } else if (main == null) {
        main = trimmed;
      }
    }
    main = main == null ? FALLBACK : main;
    lines.add("deb " + main + " " + suite + " " + comps);
    if (stable) {
      lines.add("deb " + main + " " + suite + "-updates " + comps);
      if (security != null) {
        lines.add("deb " + security + " " + suite + "-security " + comps);
      }
    }
    return lines;
  }
}
