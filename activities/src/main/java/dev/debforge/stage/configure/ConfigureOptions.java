package dev.debforge.stage.configure;

import java.util.List;

/**
 * Options of the {@code configure} stage: the recipe's system settings, resolved by the plan.
 *
 * @param groups groups to create
 * @param users users to create or change
 * @param files files to write; a source file's content is named by its sha256 so that a changed
 *     file changes the cache key
 * @param enable systemd units to enable
 * @param disable systemd units to disable
 * @param hostname the static hostname
 * @param locale the value of LANG
 * @param timezone an IANA time zone name
 * @param kernelArgs kernel arguments, written to {@code /usr/lib/bootc/kargs.d/}
 * @param updater the SHA-256 of the {@link Updater} script to install, or null for none: the
 *     script's content is part of the step's key
 */
public record ConfigureOptions(
    List<GroupSpec> groups,
    List<UserSpec> users,
    List<FileSpec> files,
    List<String> enable,
    List<String> disable,
    String hostname,
    String locale,
    String timezone,
    List<String> kernelArgs,
    String updater) {

  public ConfigureOptions {
    groups = groups == null ? List.of() : List.copyOf(groups);
    users = users == null ? List.of() : List.copyOf(users);
    files = files == null ? List.of() : List.copyOf(files);
    enable = enable == null ? List.of() : List.copyOf(enable);
    disable = disable == null ? List.of() : List.copyOf(disable);
    kernelArgs = kernelArgs == null ? List.of() : List.copyOf(kernelArgs);
  }

  /** A group; {@code gid} may be null. */
  public record GroupSpec(String name, Integer gid) {}

  /** A user; {@code uid} and {@code password} (a crypt hash) may be null. */
  public record UserSpec(
      String name,
      List<String> groups,
      String password,
      List<String> sshKeys,
      String shell,
      Integer uid) {
    public UserSpec {
      groups = groups == null ? List.of() : List.copyOf(groups);
      sshKeys = sshKeys == null ? List.of() : List.copyOf(sshKeys);
    }
  }

  /**
   * A file; exactly one of {@code content} and {@code source} is set. {@code mode} is octal text,
   * {@code owner} is {@code user:group} by name or number.
   */
  public record FileSpec(
      String path, String content, String source, String sourceSha256, String mode, String owner) {}
}
