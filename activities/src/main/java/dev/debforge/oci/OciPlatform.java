package dev.debforge.oci;

import java.util.Locale;
import java.util.Objects;

/**
 * The platform of an image in OCI's naming.
 *
 * @param os always {@code linux} for debforge's images
 * @param architecture OCI's name (GOARCH): {@code amd64}, {@code arm64}, …
 * @param variant the CPU variant ({@code v8} for arm64, {@code v7} for armhf) or {@code null}
 */
public record OciPlatform(String os, String architecture, String variant) {

  public OciPlatform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
  }

  /**
   * The platform of a Debian architecture. OCI's names are Go's, so most Debian names differ:
   * {@code i386} is {@code 386}, {@code ppc64el} is {@code ppc64le}, {@code armhf} is {@code arm}
   * variant {@code v7}. An OCI name given here is accepted as it is.
   *
   * @throws IllegalArgumentException for an architecture debforge does not know
   */
  public static OciPlatform fromDebian(String debianArchitecture) {
    String arch = debianArchitecture.toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64" -> new OciPlatform("linux", "amd64", null);
      case "arm64", "aarch64" -> new OciPlatform("linux", "arm64", "v8");
      case "armhf", "arm" -> new OciPlatform("linux", "arm", "v7");
      case "armel" -> new OciPlatform("linux", "arm", "v5");
      case "i386", "386" -> new OciPlatform("linux", "386", null);
      case "ppc64el", "ppc64le" -> new OciPlatform("linux", "ppc64le", null);
      case "s390x" -> new OciPlatform("linux", "s390x", null);
      case "riscv64" -> new OciPlatform("linux", "riscv64", null);
      default ->
          throw new IllegalArgumentException(
              "unknown architecture '"
                  + debianArchitecture
                  + "'; debforge knows amd64, arm64, armhf, armel, i386, ppc64el, s390x, riscv64");
    };
  }
}
