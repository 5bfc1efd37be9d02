package dev.debforge.stage.publish;

/**
 * Options of the {@code publish} stage.
 *
 * @param destination where the image goes, in skopeo's transport syntax
 * @param name the image's name, used when the destination needs one (docker-archive)
 * @param tlsVerify false to push to a registry without valid TLS (a registry on loopback)
 */
public record PublishOptions(String destination, String name, boolean tlsVerify) {}
