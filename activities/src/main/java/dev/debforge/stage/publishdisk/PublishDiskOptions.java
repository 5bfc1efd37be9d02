package dev.debforge.stage.publishdisk;

/**
 * Options of the {@code publish-disk} stage.
 *
 * @param directory the output directory the user named with {@code -o}
 * @param type the disk type id, which names the subdirectory and file
 */
public record PublishDiskOptions(String directory, String type) {}
