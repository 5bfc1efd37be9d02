package dev.debforge.plugin;

import java.util.List;
import java.util.Map;
import org.pf4j.ExtensionPoint;

/**
 * A value of {@code --type}: one file that a stage makes from an input of the build, published to
 * {@code DIR/}{@link #directory()}{@code /}{@link #fileName()} (as bootc-image-builder names its
 * outputs). debforge's own disk types register through this interface too.
 */
public interface OutputType extends ExtensionPoint {

  /** What an output type's stage reads, and under which input role. */
  enum Input {
    /** The image's root file system. */
    TREE("tree"),
    /** The OSTree repository holding the image's commit. */
    COMMIT("commit"),
    /** The deployed sysroot, before the bootloader is installed. */
    DEPLOYMENT("sysroot"),
    /** The finished raw disk, {@code disk.raw}. */
    RAW_DISK("disk");

    private final String role;

    Input(String role) {
      this.role = role;
    }

    public String role() {
      return role;
    }
  }

  /**
   * A further input of an output type's stage: a step made from its options alone, reading
   * nothing of the build, so that builds of different images share it in the store (a live
   * system, a tree of tools). Its stage may be the plugin's own or debforge's.
   *
   * @param role the role the type's stage reads it under (lower-case letters, digits, '-'; not
   *     the role of {@link #input()})
   * @param stage the id of the stage that makes it
   * @param options that stage's options; with the stage's version, all of its store key, so put
   *     everything the output depends on here (the architecture, a suite, a package list)
   * @since 1.1.0
   */
  record SharedInput(String role, String stage, Map<String, Object> options) {
    public SharedInput {
      if (role == null || !role.matches("[a-z][a-z0-9-]*")) {
        throw new IllegalArgumentException("a shared input's role must be lower-case letters,"
            + " digits and '-': " + role);
      }
      if (stage == null || stage.isBlank()) {
        throw new IllegalArgumentException("a shared input needs a stage");
      }
      options = Map.copyOf(options);
    }
  }

  /** The {@code --type} value, for example {@code iso}: lower-case letters, digits and '-'. */
  String id();

  /** The directory under the output directory, for example {@code bootiso}. */
  String directory();

  /** The file the stage leaves in its output directory and that is published, for example {@code install.iso}. */
  String fileName();

  /** What the stage reads. */
  Input input();

  /** The id of the stage that makes the file. */
  String stage();

  /** One line for {@code --type} help and {@code debforge plugins}. */
  default String description() {
    return id();
  }

  /** Host programs the stage runs, checked before the build starts. */
  default List<String> hostTools() {
    return List.of();
  }

  /**
   * The stage's options for one build, as a JSON-like map: by default the options the build gives
   * the plugin (a recipe's {@code plugins: {ID: …}} section; empty when it has none).
   */
  default Map<String, Object> stageOptions(Map<String, Object> pluginOptions) {
    return pluginOptions;
  }

  /**
   * The shared inputs of the stage for one build: by default none.
   *
   * @param stageOptions what {@link #stageOptions} gave for this build
   * @param architecture the architecture being built ({@code amd64}, {@code arm64})
   * @since 1.1.0
   */
  default List<SharedInput> sharedInputs(Map<String, Object> stageOptions, String architecture) {
    return List.of();
  }

  /**
   * Whether the type is an installer, such as an installer ISO. An installer's stage options
   * also get what a build's {@code --config} file says in {@code customizations.installer}, over
   * its plugin's options from the recipe: {@code unattended} (the disk its unattended install
   * erases), {@code hostname}, {@code locale}, {@code keyboard} and {@code timezone} when given,
   * and the file's users as {@code users}, a list of maps with {@code name}, {@code password} (a
   * crypt(3) hash), {@code groups} and {@code keys}. By default a type is not an installer.
   *
   * @since 1.2.0
   */
  default boolean installer() {
    return false;
  }
}
