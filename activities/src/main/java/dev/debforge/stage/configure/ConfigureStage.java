package dev.debforge.stage.configure;

import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.plugin.ToolCall;
import dev.debforge.plugin.ToolRunner;
import dev.debforge.stage.configure.ConfigureOptions.FileSpec;
import dev.debforge.stage.configure.ConfigureOptions.GroupSpec;
import dev.debforge.stage.configure.ConfigureOptions.UserSpec;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code configure}: applies the recipe's system settings to a copy of the root filesystem:
 * groups, users (password hash, ssh keys, shell, uid), files, systemd units, hostname, locale,
 * time zone and the kernel arguments in {@code /usr/lib/bootc/kargs.d/10-recipe.toml}.
 *
 * <p>It uses the host's shadow tools and systemctl with {@code --root}, so nothing from the image
 * runs and an arm64 image is configured without emulation.
 */
public final class ConfigureStage implements Stage<ConfigureOptions> {

  public static final String ID = "configure";
  static final String KARGS_FILE = "usr/lib/bootc/kargs.d/10-recipe.toml";
  private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(5);

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public Class<ConfigureOptions> optionsType() {
    return ConfigureOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, ConfigureOptions options) throws Exception {
    Path root = context.output();
    context.progress("copying the root filesystem");
    context.tools().run(Trees.copy(context.input("tree"), root, false));
    ToolRunner tools = context.tools();
    for (GroupSpec group : options.groups()) {
      tools.run(call(ShadowTools.groupadd(root, group)));
    }
    for (UserSpec user : options.users()) {
      context.progress("user " + user.name());
      Accounts accounts = Accounts.read(root);
      for (List<String> argv : ShadowTools.user(root, user, accounts.hasUser(user.name()))) {
        tools.run(call(argv));
      }
      SshKeys.write(root, user.name(), user.sshKeys());
    }
    Accounts accounts = Accounts.read(root);
    for (FileSpec file : options.files()) {
      writeFile(root, file, accounts);
    }
    for (String unit : options.enable()) {
      tools.run(call(List.of("systemctl", "--root=" + root, "enable", unit)));
    }
    for (String unit : options.disable()) {
      tools.run(call(List.of("systemctl", "--root=" + root, "disable", unit)));
    }
    writeHostname(root, options.hostname());
    writeLocale(root, options.locale());
    writeTimezone(root, options.timezone());
    writeKernelArgs(root, options.kernelArgs());
    if (options.updater() != null) {
      Updater.install(root, options.updater());
      List<String> enable = new ArrayList<>(List.of("systemctl", "--root=" + root, "enable"));
      enable.addAll(Updater.ENABLE);
      tools.run(call(enable));
    }
    return new StageOutput(
        Map.of(
            "hostname", options.hostname(),
            "users", Integer.toString(options.users().size()),
            "files", Integer.toString(options.files().size())));
  }

  private static ToolCall call(List<String> argv) {
    return ToolCall.of(argv, TOOL_TIMEOUT);
  }

  private static void writeFile(Path root, FileSpec file, Accounts accounts)
      throws IOException, BadInputException {
    Path target = RootPath.inside(root, file.path());
    Files.createDirectories(target.getParent());
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new BadInputException(
          "files: " + file.path() + " is a directory in the image", "choose a file path");
    }
    Files.deleteIfExists(target);
    if (file.content() != null) {
      Files.writeString(target, file.content(), StandardCharsets.UTF_8);
    } else {
      Files.copy(Path.of(file.source()), target, StandardCopyOption.REPLACE_EXISTING);
    }
    int[] owner = accounts.resolveOwner(file.owner(), file.path());
    Ownership.apply(target, owner[0], owner[1], Integer.parseInt(file.mode(), 8));
  }

  private static void writeHostname(Path root, String hostname) throws IOException {
    Files.writeString(root.resolve("etc/hostname"), hostname + "\n");
    Files.writeString(
        root.resolve("etc/hosts"),
        "127.0.0.1\tlocalhost\n127.0.1.1\t"
            + hostname
            + "\n::1\tlocalhost ip6-localhost ip6-loopback\n"
            + "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n");
  }

  private static void writeLocale(Path root, String locale) throws IOException {
    Files.createDirectories(root.resolve("etc/default"));
    Files.writeString(root.resolve("etc/default/locale"), "LANG=" + locale + "\n");
  }

  private static void writeTimezone(Path root, String timezone)
      throws IOException, BadInputException {
    Path localtime = root.resolve("etc/localtime");
    Path zone = root.resolve("usr/share/zoneinfo").resolve(timezone);
    boolean utc = timezone.equals("UTC") || timezone.equals("Etc/UTC");
    Files.deleteIfExists(localtime);
    if (Files.exists(zone)) {
      Files.createSymbolicLink(localtime, Path.of("/usr/share/zoneinfo").resolve(timezone));
    } else if (!utc) {
      throw new BadInputException(
          "timezone: " + timezone + " is not in the image's /usr/share/zoneinfo",
          "add tzdata to packages.install, or check the zone's name");
    }
    // Without tzdata and with UTC, no /etc/localtime is systemd's way of saying UTC.
    Files.writeString(root.resolve("etc/timezone"), timezone + "\n");
  }

  static void writeKernelArgs(Path root, List<String> args) throws IOException {
    if (args.isEmpty()) {
      return;
    }
    Path file = root.resolve(KARGS_FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, kargsToml(args));
  }

  /** The kargs.d TOML that bootc reads: {@code kargs = ["a", "b"]}. */
  static String kargsToml(List<String> args) {
    List<String> quoted = new ArrayList<>();
    for (String arg : args) {
      quoted.add('"' + arg.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
    }
    return "# Written by debforge from the recipe's kernel.args.\nkargs = ["
        + String.join(", ", quoted)
        + "]\n";
  }
}
