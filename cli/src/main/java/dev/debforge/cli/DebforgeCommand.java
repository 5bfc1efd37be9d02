package dev.debforge.cli;

import picocli.CommandLine.Command;

/** The top-level command: only its subcommands do work. */
@Command(
    name = "debforge",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Builds bootable Debian container images (bootc/OSTree) and the disks made from them.",
      "",
      "Exit codes: 0 done, 1 the build failed, 2 bad input or usage."
    },
    subcommands = {
      ValidateCommand.class,
      ComposeCommand.class,
      BuildCommand.class,
      RunCommand.class,
      VerifyCommand.class,
      ServerCommand.class,
      WorkerCommand.class,
      SubmitCommand.class,
      ListCommand.class,
      StatusCommand.class,
      LogsCommand.class,
      CancelCommand.class,
      WaitCommand.class,
      PluginsCommand.class,
      StoreCommand.class
    })
final class DebforgeCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}
