package dev.debforge.iso;

import dev.debforge.plugin.OutputType;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * {@code --type iso}: {@code bootiso/install.iso}, as bootc-image-builder names its installer. The
 * {@link IsoStage} reads the image's OSTree commit and a live system that {@link LiveStage} makes
 * once per suite, architecture and package list, shared by every image's ISO.
 *
 * <p>Options, from a recipe's {@code plugins: {iso: …}} section: {@code suite} of the live system
 * (default {@code bookworm}), {@code mirror} (default {@code http://deb.debian.org/debian}) and
 * {@code packages}, added to the live system's own.
 */
@Extension
public final class IsoType implements OutputType {

  public static final String ID = "iso";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String directory() {
    return "bootiso";
  }

  @Override
  public String fileName() {
    return "install.iso";
  }

  @Override
  public Input input() {
    return Input.COMMIT;
  }

  @Override
  public String stage() {
    return IsoStage.ID;
  }

  @Override
  public String description() {
    return "installer ISO: a live Debian system (BIOS and UEFI, CD or USB stick) carrying the"
        + " image's OSTree commit";
  }

  @Override
  public List<String> hostTools() {
    return List.of("mmdebstrap", "mksquashfs", "xorriso", "grub-mkimage", "mkfs.vfat", "mcopy",
        "ostree");
  }

  /** {@code --config}'s {@code customizations.installer} sets up the unattended install. */
  @Override
  public boolean installer() {
    return true;
  }

  @Override
  public Map<String, Object> stageOptions(Map<String, Object> pluginOptions) {
    return IsoOptions.withDefaults(pluginOptions);
  }

  @Override
  public List<SharedInput> sharedInputs(Map<String, Object> stageOptions, String architecture) {
    return List.of(new SharedInput(IsoStage.LIVE_ROLE, LiveStage.ID,
        LiveOptions.of(stageOptions, architecture).asMap()));
  }
}
