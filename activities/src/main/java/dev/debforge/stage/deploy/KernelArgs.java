package dev.debforge.stage.deploy;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel command line of a deployment, in bootc's order: the image's
 * {@code /usr/lib/bootc/kargs.d}, then the build's configuration, then the root file system.
 * When no argument names a console, the serial console is added so that a cloud or QEMU serial
 * log shows the boot.
 */
public final class KernelArgs {

  private KernelArgs() {}

  public static List<String> commandLine(
      String imageKargs, List<String> configured, String rootUuid, String arch) {
    List<String> args = new ArrayList<>();
    for (String arg : imageKargs.strip().split("\\s+")) {
      if (!arg.isEmpty()) {
        args.add(arg);
      }
    }
    args.addAll(configured);
    args.add("root=UUID=" + rootUuid);
    args.add("rw");
    if (args.stream().noneMatch(arg -> arg.startsWith("console="))) {
      args.addAll(serialConsole(arch));
    }
    return List.copyOf(args);
  }

  static List<String> serialConsole(String arch) {
    return arch.equals("arm64")
        ? List.of("console=tty0", "console=ttyAMA0,115200n8")
        : List.of("console=tty0", "console=ttyS0,115200n8");
  }
}
