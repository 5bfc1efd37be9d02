package dev.debforge.cli;

import picocli.CommandLine.Option;

/** The option of commands that talk to registries. */
final class RegistryOptions {

  @Option(
      names = "--tls-verify",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Require valid TLS from registries (default: true).")
  boolean tlsVerify;
}
