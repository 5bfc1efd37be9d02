package dev.debforge.plugin;

/**
 * The version of this API. A plugin names the versions it works with in its descriptor
 * ({@code Plugin-Requires: >=1.0.0 & <2.0.0} in the jar's manifest, or {@code plugin.requires} in
 * a directory or zip plugin's {@code plugin.properties}); debforge refuses a plugin whose range
 * does not contain this version, naming both.
 *
 * <p>The minor version grows when the API gains something; the major version when anything a
 * plugin may use changes or goes away.
 *
 * <ul>
 *   <li>1.3.0: {@link BootMenu}, the boot menu generator of debforge's disks, for plugins that
 *       install systems themselves.
 *   <li>1.2.0: {@link OutputType#installer}, types whose stage gets a build's installer
 *       settings.
 *   <li>1.1.0: {@link OutputType#sharedInputs}, steps an output type's stage reads besides its
 *       input, shared between builds.
 *   <li>1.0.0: stages, pipeline contributions at four anchors, output types.
 * </ul>
 */
public final class PluginApi {

  /** This API's version, in semantic versioning. */
  public static final String VERSION = "1.3.0";

  private PluginApi() {}
}
