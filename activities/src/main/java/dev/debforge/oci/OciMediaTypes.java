package dev.debforge.oci;

import java.util.Set;

/** The media types debforge writes and reads, OCI's and the Docker ones skopeo still emits. */
public final class OciMediaTypes {

  public static final String IMAGE_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String IMAGE_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
  public static final String LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String LAYER_TAR_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER_TAR_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** The annotation in index.json that carries an image's tag. */
  public static final String REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

  static final Set<String> INDEXES = Set.of(IMAGE_INDEX, DOCKER_MANIFEST_LIST);
  static final Set<String> MANIFESTS = Set.of(IMAGE_MANIFEST, DOCKER_MANIFEST);
  static final Set<String> CONFIGS = Set.of(IMAGE_CONFIG, DOCKER_CONFIG);

  /** How a layer blob is compressed. */
  public enum Compression {
    NONE,
    GZIP,
    ZSTD
  }

  /**
   * The compression of a layer media type, or {@code null} when debforge cannot read layers of
   * that type.
   */
  public static Compression layerCompression(String mediaType) {
    if (mediaType == null) {
      return null;
    }
    return switch (mediaType) {
      case LAYER_TAR, "application/vnd.docker.image.rootfs.diff.tar" -> Compression.NONE;
      case LAYER_TAR_GZIP, DOCKER_LAYER_TAR_GZIP -> Compression.GZIP;
      case LAYER_TAR_ZSTD -> Compression.ZSTD;
      default -> null;
    };
  }

  private OciMediaTypes() {}
}
