package dev.debforge.stage.convert;

/**
 * Options of the {@code convert} stage.
 *
 * @param type the disk type id ({@code qcow2}, {@code vmdk}, …)
 */
public record ConvertOptions(String type) {}
