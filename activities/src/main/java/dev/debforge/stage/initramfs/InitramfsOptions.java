package dev.debforge.stage.initramfs;

import java.util.List;

/**
 * Options of the {@code initramfs} stage.
 *
 * @param modules dracut modules to add; {@code ostree} is what lets the initramfs pivot into an
 *     OSTree deployment
 * @param sourceDateEpoch the timestamp for a reproducible image, or null
 */
public record InitramfsOptions(List<String> modules, Long sourceDateEpoch) {
  public InitramfsOptions {
    modules = List.copyOf(modules);
  }
}
