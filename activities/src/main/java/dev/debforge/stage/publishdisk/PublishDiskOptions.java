package dev.debforge.stage.publishdisk;

/**
 * Options of the {@code publish-disk} stage.
 *
 * @param directory the output directory the user named with {@code -o}
 * @param type the output type id, reported as a fact
 * @param subdirectory the directory under {@code directory} that receives the file
 * @param fileName the file the input step left, published under the same name
 */
public record PublishDiskOptions(
    String directory, String type, String subdirectory, String fileName) {}
