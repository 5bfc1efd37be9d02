package dev.debforge.stage.extract;

/**
 * Options of the {@code extract} stage.
 *
 * @param image the bootc image in skopeo's syntax: {@code oci:DIR[:REF]}, {@code
 *     oci-archive:FILE[:REF]}, {@code docker-archive:FILE}, {@code containers-storage:REF} or
 *     {@code docker://REF}
 * @param digest the manifest digest the plan resolved ({@code sha256:…}); it makes the step's
 *     cache key name the image's content rather than a tag that may move
 * @param tlsVerify false to accept a registry without valid TLS (a registry on loopback)
 */
public record ExtractOptions(String image, String digest, boolean tlsVerify) {}
