package dev.debforge.stage.extract;

import dev.debforge.image.ImageReference;
import dev.debforge.image.Skopeo;
import dev.debforge.oci.LayerExtractor;
import dev.debforge.oci.LayerReadException;
import dev.debforge.oci.OciArchive;
import dev.debforge.oci.OciDescriptor;
import dev.debforge.oci.OciImageReader;
import dev.debforge.oci.OciPlatform;
import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.process.HostTools;
import dev.debforge.stage.initramfs.Dracut;
import dev.debforge.stage.initramfs.InitramfsListing;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code extract}: reads a bootc image and unpacks its root filesystem, after checking that the
 * image keeps the Debian bootc image contract.
 *
 * <p>An {@code oci:} layout is read where it is and an {@code oci-archive:} is unpacked into
 * scratch space, both by debforge's own reader, which checks the index's manifest, the config
 * and every layer against their digests; their layers may be uncompressed, gzip or zstd. Any other
 * transport skopeo reads ({@code docker-archive:}, {@code containers-storage:}, {@code docker://})
 * is first copied by skopeo into an OCI layout in scratch space. A registry image is pinned to the
 * digest the plan resolved, and an OCI layout or archive must still have that manifest digest
 * (the one {@code skopeo inspect} reported), so the step's output is what its cache key names.
 * From a layout or archive holding several images, the one tagged as the reference says, or the
 * one for the build's architecture, is taken.
 *
 * <p>The unpacked image is bounded: see {@link LayerExtractor} for the ceiling ({@code
 * DEBFORGE_MAX_IMAGE_BYTES}, 64 GiB by default) and the free-space check.
 *
 * <p>From the image's config, before anything is unpacked: the label {@code containers.bootc=1}
 * (or {@code ostree.bootable}) and the architecture being built. From the unpacked tree: exactly
 * one kernel at {@code /usr/lib/modules/KVER/vmlinuz} with its {@code initramfs.img}; {@code
 * /usr/bin/ostree}; an initramfs that contains {@code ostree-prepare-root} (read on the host when
 * it is gzip-compressed or not compressed, {@link InitramfsListing}; otherwise with the image's
 * own {@code lsinitrd} in a chroot, so only when the image's architecture is the host's);
 * GRUB's module directories ({@code x86_64-efi} and {@code i386-pc} on amd64, {@code arm64-efi}
 * on arm64). Any failure names what is missing and the package that provides it.
 *
 * <p>Layers are applied with their digests and diff_ids verified and OCI whiteouts honoured (see
 * {@link LayerExtractor}). The output is the image's root filesystem.
 *
 * <p>Facts: {@code kernel} (the kernel version), {@code os} ({@code ID} from os-release, e.g.
 * {@code debian}), {@code osVersion} ({@code VERSION_CODENAME}, else {@code VERSION_ID}), {@code
 * prettyName}, {@code kargs} (the kernel arguments of {@code /usr/lib/bootc/kargs.d/*.toml}, in
 * file-name order, space-separated, as bootc applies them) and {@code digest} (the manifest
 * digest).
 */
public final class ExtractStage implements Stage<ExtractOptions> {

  public static final String ID = "extract";

  static final String LAYOUT_TAG = "latest";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public Class<ExtractOptions> optionsType() {
    return ExtractOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, ExtractOptions options) throws Exception {
    String arch = context.architecture();
    OciImageReader image = copyAndOpen(context, options);
    requireBootcConfig(image, options.image(), arch);
    unpack(context, image, options.image());
    Path root = context.output();
    String kver = checkTree(context, root, arch);

    Map<String, String> osRelease = OsRelease.read(root);
    Map<String, String> facts = new HashMap<>();
    facts.put("kernel", kver);
    facts.put("os", osRelease.getOrDefault("ID", "linux"));
    facts.put(
        "osVersion",
        osRelease.getOrDefault("VERSION_CODENAME", osRelease.getOrDefault("VERSION_ID", "")));
    facts.put("prettyName", osRelease.getOrDefault("PRETTY_NAME", "Linux"));
    facts.put("kargs", String.join(" ", KargsD.read(root, arch)));
    facts.put("digest", image.manifest().digest());
    return new StageOutput(facts);
  }

  /**
   * Opens the image: an OCI layout where it is, an OCI archive unpacked into scratch space, and
   * any other source copied by skopeo into an OCI layout there.
   */
  static OciImageReader copyAndOpen(StageContext context, ExtractOptions options)
      throws Exception {
    ImageReference source = pinned(ImageReference.parse(options.image()).absolute(), options);
    String arch = context.architecture();
    OciImageReader image;
    switch (source.transport()) {
      case OCI -> {
        context.progress("reading " + source);
        image = OciImageReader.open(source.path(), source.reference(), arch);
      }
      case OCI_ARCHIVE -> {
        context.progress("unpacking " + source);
        Path layout = context.scratch().resolve("image");
        Set<String> checked = OciArchive.unpack(source.path(), layout);
        image = OciImageReader.open(layout, source.reference(), arch, checked);
      }
      default -> {
        Path layout = context.scratch().resolve("image");
        ImageReference copy =
            new ImageReference(ImageReference.Transport.OCI, layout.toString(), LAYOUT_TAG);
        context.progress("copying " + source);
        context
            .tools()
            .run(Skopeo.copy(source, copy, options.tlsVerify(), OciPlatform.fromDebian(arch)));
        image = OciImageReader.open(layout, LAYOUT_TAG);
      }
    }
    String digest = image.manifest().digest();
    if (options.digest() != null && !options.digest().equals(digest)) {
      if (keepsManifest(source)) {
        throw new BadInputException(
            "image " + options.image() + " has manifest " + digest
                + ", but the build was planned for " + options.digest(),
            "the image changed after the build was planned; run the build again");
      }
      // skopeo rewrites Docker manifests as OCI ones when it writes a layout, so the digest
      // of a registry or Docker image changes on the way; the source was pinned instead.
      context.progress(
          "manifest " + options.digest() + " was stored as " + digest + " in OCI form");
    }
    return image;
  }

  /**
   * A registry image without a digest is pinned to the planned one, so that a tag moved since
   * planning cannot change what this step reads.
   */
  static ImageReference pinned(ImageReference source, ExtractOptions options) {
    if (source.transport() != ImageReference.Transport.DOCKER
        || options.digest() == null
        || source.location().contains("@")) {
      return source;
    }
    String name = source.location();
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    if (colon > slash) {
      name = name.substring(0, colon);
    }
    return new ImageReference(source.transport(), name + "@" + options.digest(), null);
  }

  /** Whether the manifest read is the source's own, byte for byte (it is not copied). */
  private static boolean keepsManifest(ImageReference source) {
    return source.transport() == ImageReference.Transport.OCI
        || source.transport() == ImageReference.Transport.OCI_ARCHIVE;
  }

  /** The checks that the image's config alone can answer. */
  static void requireBootcConfig(OciImageReader image, String name, String debianArchitecture)
      throws BadInputException {
    Map<String, String> labels = image.labels();
    if (!"1".equals(labels.get("containers.bootc")) && !labels.containsKey("ostree.bootable")) {
      throw new BadInputException(
          "image " + name + " is not a bootc image: it has neither the label"
              + " containers.bootc=1 nor ostree.bootable",
          "build it with `debforge compose`, or add LABEL containers.bootc=1 to its"
              + " Containerfile once it keeps the bootc image contract");
    }
    String wanted = OciPlatform.fromDebian(debianArchitecture).architecture();
    if (!wanted.equals(image.architecture())) {
      throw new BadInputException(
          "image " + name + " is for architecture '" + image.architecture() + "', but this build"
              + " is for " + debianArchitecture + " (" + wanted + ")",
          "use the image built for " + debianArchitecture + ", or build for "
              + image.architecture() + " with --arch");
    }
  }

  private static void unpack(StageContext context, OciImageReader image, String name)
      throws Exception {
    long compressed = image.layers().stream().mapToLong(OciDescriptor::size).sum();
    // The unpacked size is unknown until the end. A Debian root file system gzips to about a
    // third of its size, so a step of three tenths of the compressed size reports roughly
    // every ten percent.
    long step = Math.max(compressed * 3 / 10, 16L << 20);
    long[] next = {step};
    context.progress(
        "unpacking " + image.layers().size() + " layers, " + mib(compressed) + " compressed");
    LayerExtractor.Result result;
    try {
      result =
          new LayerExtractor(context.tools())
              .extract(
                  image,
                  context.output(),
                  (entries, bytes) -> {
                    if (bytes >= next[0]) {
                      next[0] = bytes + step;
                      context.progress("unpacked " + mib(bytes) + ", " + entries + " entries");
                    }
                  });
    } catch (LayerReadException e) {
      throw damagedLayer(e, name, image.layers().size());
    }
    context.progress(
        "unpacked " + result.layers() + " layers: " + mib(result.bytes()) + ", "
            + result.entries() + " entries");
  }

  /**
   * A layer that could not be read, as bad input when its data is damaged (truncated or corrupt
   * compression or tar); any other read or write error (a full disk) is returned as it is.
   */
  static Exception damagedLayer(LayerReadException e, String image, int layers) {
    String problem = e.malformation();
    if (problem == null) {
      return e;
    }
    return new BadInputException(
        "layer " + e.digest() + " (" + (e.index() + 1) + " of " + layers + ") of " + image
            + " is " + problem,
        "the image is damaged: copy it again from where it came from, or build it again");
  }

  /** The contract checks on the unpacked tree; returns the kernel version. */
  private static String checkTree(StageContext context, Path root, String arch)
      throws Exception {
    String kver = BootcContract.kernel(root);
    BootcContract.requireOstree(root);
    BootcContract.requireGrub(root, arch);
    context.progress("checking the initramfs of kernel " + kver);
    Optional<Set<String>> paths;
    try {
      paths = InitramfsListing.ofKernel(root, kver);
    } catch (InitramfsListing.Malformed e) {
      throw new BadInputException(
          "the initramfs of kernel " + kver + " is not one the kernel can unpack: "
              + e.getMessage(),
          "rebuild it in the image with dracut (dracut --force --kver " + kver + ")");
    }
    if (paths.isPresent()) {
      BootcContract.requireOstreeInitramfs(kver, paths.get());
    } else if (arch.equals(HostTools.architecture())) {
      String listing = context.tools().run(Dracut.list(root, kver)).stdout();
      BootcContract.requireOstreeInitramfs(kver, listing);
    } else {
      context.progress(
          "not checking the initramfs for ostree-prepare-root: it is compressed in a form only"
              + " lsinitrd reads, and lsinitrd cannot run in this " + arch + " image on this "
              + HostTools.architecture() + " host");
    }
    return kver;
  }

  private static String mib(long bytes) {
    return (bytes >> 20) + " MiB";
  }
}
