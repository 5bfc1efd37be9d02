package dev.debforge.cli;

/** Facts about the machine the CLI runs on. */
final class Host {

  private Host() {}

  /** This machine's architecture in Debian's naming. */
  static String architecture() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }
}
