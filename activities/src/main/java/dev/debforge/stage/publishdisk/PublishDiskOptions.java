package dev.debforge.stage.publishdisk;

/**
 * Options of the {@code publish-disk} stage.
 *
 * @param directory the output directory the user named with {@code -o}
 * @param type the output type id, reported as a fact
 * @param subdirectory the directory under {@code directory} that receives the file
 * @param fileName the file the input step left, published under the same name
 * @param blockMap whether the file is a disk at its declared size, mostly holes (raw, ami, vhd):
 *     it is then named by a block map written beside it ({@code FILE.bmap}) instead of a SHA-256
 *     of every byte, so that publishing costs what the disk holds, not its size
 */
public record PublishDiskOptions(
    String directory, String type, String subdirectory, String fileName, boolean blockMap) {}
