package dev.debforge.stage.deploy;

import dev.debforge.disk.Architecture;
import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.Stage;
import dev.debforge.plugin.StageContext;
import dev.debforge.plugin.StageOutput;
import dev.debforge.stage.extract.KargsD;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code deploy}: makes the OSTree sysroot that becomes the disk's root and /boot file systems.
 *
 * <p>From the repository of the {@code ostree-commit} step (input role {@code commit}), in
 * {@code sysroot/} of the output: {@code ostree admin init-fs}, {@code sysroot.bootloader=none}
 * (debforge writes GRUB's configuration itself), {@code pull-local} of the commit, {@code
 * ostree admin os-init OS}, then {@code ostree admin deploy} with the plan's kernel command line,
 * run without CAP_SYS_ADMIN so that ostree does not freeze the build host's file system.
 *
 * <p>Then it checks the one boot loader entry (its kernel and initramfs exist under {@code
 * boot/}, its options carry {@code ostree=}), and writes what belongs to this disk rather than
 * the image: the deployment's {@code /etc/fstab} ({@code /}, {@code /boot}, {@code /boot/efi}
 * by UUID), the {@code boot/efi} mount point inside /boot, and the stateroot's {@code /var},
 * seeded from the image's own /var because ostree 2022.7 leaves it empty.
 *
 * <p>For the booted system's own deployment changes (an update, a rollback), the repository's
 * {@code sysroot.bootloader} is then set to {@code grub2} and the deployment's /etc names
 * debforge's menu script as ostree's GRUB generator ({@link UpdateSetup}); the bootloader step
 * puts the script on /boot.
 *
 * <p>The deployment's root directory is immutable ({@code chattr +i}), as ostree leaves it; its
 * {@code etc/} is not, so fstab is written without lifting the bit.
 *
 * <p>Users of a {@code --config} file are created in the deployment before /var is seeded
 * ({@link DeploymentUsers}), so that their homes reach the stateroot's /var. Without users the
 * output is what it was before users existed, so the stage's version is unchanged.
 *
 * <p>With an {@code origin} (from {@code --origin URL} and {@code --origin-ref REF}), the disk
 * updates from that OSTree repository: the sysroot's repository gets the remote {@code
 * debforge} ({@code ostree remote add --no-gpg-verify debforge URL REF}) and the local ref
 * {@code debforge:REF} on the commit ({@code ostree refs --create}), and the deployment is made
 * with an origin file saying {@code refspec=debforge:REF} instead of the commit's checksum. REF
 * defaults to the ref {@code compose --ostree-repo} publishes the image on ({@link #originRef}).
 * Without an
 * origin the output is what it was before origins existed, so the stage's version is unchanged.
 * When the origin has a public GPG key ({@code --origin-gpg-key FILE}), the remote is added with
 * {@code --gpg-import=FILE --set=gpg-verify=true --set=gpg-verify-summary=true} instead of
 * {@code --no-gpg-verify}: the key lands in {@code ostree/repo/debforge.trustedkeys.gpg}, and
 * the disk's system then pulls only commits and summaries signed with it.
 *
 * <p>An image origin ({@code --origin docker://HOST/NAME:TAG}, or another of skopeo's image
 * transports) makes the disk follow that image, as {@code debforge-update switch IMAGE} does on
 * a booted system: the local ref {@code debforge/image} on the commit and an origin file naming
 * the image and the digest it was extracted from ({@link #imageOriginText}); no remote.
 *
 * <p>Facts: {@code deployment} (relative to the sysroot, {@code
 * ostree/deploy/OS/deploy/CSUM.0}), {@code commit}, {@code bootcsum}, {@code blsEntry} (the
 * entry's path relative to the sysroot), {@code os}, and with an origin {@code origin}
 * ({@code debforge:REF}, or the image).
 */
public final class DeployStage implements Stage<DeployOptions> {

  public static final String ID = "deploy";

  private static final Pattern OS_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern FAT_ID = Pattern.compile("[0-9A-F]{4}-[0-9A-F]{4}");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern IMAGE_REF_PART = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return 3;
  }

  @Override
  public Class<DeployOptions> optionsType() {
    return DeployOptions.class;
  }

  @Override
  public StageOutput run(StageContext context, DeployOptions options) throws Exception {
    validate(options);
    String commit = context.facts("commit").get("commit");
    if (commit == null || !COMMIT.matcher(commit).matches()) {
      throw new IllegalStateException(
          "the commit step reported no commit checksum (facts: " + context.facts("commit") + ")");
    }
    Path sourceRepo = context.input("commit").resolve("repo");
    Path sysroot = context.output().resolve("sysroot");
    Map<String, String> image = context.facts("tree");
    String os = options.osName() != null ? options.osName() : image.getOrDefault("os", "debian");
    // An extracted image reports its kargs.d as a fact; a composed tree (run) has them in its
    // files: the recipe's and its hooks' (usr/lib/bootc/kargs.d), read here the same way.
    String imageKargs = image.containsKey("kargs")
        ? image.get("kargs")
        : String.join(" ", KargsD.read(context.input("tree"), context.architecture()));
    List<String> kargs =
        KernelArgs.commandLine(
            imageKargs,
            options.kargs(),
            options.rootUuid(),
            context.architecture());

    context.progress("creating the sysroot");
    Files.createDirectories(sysroot);
    context.tools().run(OstreeAdmin.initFs(sysroot));
    context.tools().run(OstreeAdmin.noBootloader(sysroot));
    context.progress("pulling commit " + commit);
    context.tools().run(OstreeAdmin.pullLocal(sysroot, sourceRepo, commit));
    context.tools().run(OstreeAdmin.osInit(sysroot, os));
    String refspec = null;
    Path originFile = null;
    if (options.origin() != null && options.origin().isImage()) {
      // The updater's image origin: the image, and the digest the disk was built from (an
      // extracted image's; a composed tree has none, and the first upgrade then takes the tag's).
      refspec = options.origin().url();
      context.progress("the disk updates from the image " + refspec);
      context.tools().run(
          OstreeAdmin.createRef(sysroot, DeployOptions.Origin.IMAGE_REF, commit));
      originFile = context.scratch().resolve("deployment.origin");
      Files.writeString(originFile, imageOriginText(refspec, image.get("digest")),
          StandardCharsets.UTF_8);
    } else if (options.origin() != null) {
      String ref = originRef(options.origin(), context.facts("commit"), image,
          Architecture.fromDebianName(context.architecture()));
      refspec = DeployOptions.Origin.refspec(ref);
      context.progress("the disk updates from " + options.origin().url() + " (" + refspec + ")");
      if (options.origin().gpgKey() == null) {
        context.tools().run(OstreeAdmin.remoteAdd(sysroot, options.origin().url(), ref));
      } else {
        Path keyFile = context.scratch().resolve("origin-key.gpg");
        Files.write(keyFile, options.origin().gpgKeyBytes());
        context.tools().run(OstreeAdmin.remoteAdd(sysroot, options.origin().url(), ref, keyFile));
      }
      context.tools().run(OstreeAdmin.createRef(sysroot, refspec, commit));
      originFile = context.scratch().resolve("deployment.origin");
      Files.writeString(originFile, originText(refspec), StandardCharsets.UTF_8);
    }
    context.progress("deploying " + commit + " as " + os);
    context.tools().run(OstreeAdmin.deploy(sysroot, os, kargs, commit, originFile));

    BootEntries.Checked entry = BootEntries.check(sysroot);
    String deployment = "ostree/deploy/" + os + "/deploy/" + commit + ".0";
    Path deployRoot = sysroot.resolve(deployment);
    if (!Files.isDirectory(deployRoot, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("ostree admin deploy made no deployment at " + deployRoot);
    }
    writeFstab(deployRoot, options);
    UpdateSetup.write(deployRoot);
    if (!options.users().isEmpty()) {
      context.progress(
          "creating users "
              + String.join(", ", options.users().stream().map(DeployOptions.User::name).toList()));
      DeploymentUsers.create(context.tools(), deployRoot, options.users());
    }
    Files.createDirectories(sysroot.resolve("boot/efi"));
    context.progress("seeding the stateroot's /var from the image");
    Path imageVar = deployRoot.resolve("var");
    if (Files.isDirectory(imageVar, LinkOption.NOFOLLOW_LINKS)) {
      context
          .tools()
          .run(OstreeAdmin.seedVar(imageVar, sysroot.resolve("ostree/deploy/" + os + "/var")));
    }
    // From here on deployment changes are the booted system's, and its menu must follow them.
    context.tools().run(OstreeAdmin.grubBootloader(sysroot));
    Map<String, String> facts = new TreeMap<>();
    facts.put("deployment", deployment);
    facts.put("commit", commit);
    facts.put("bootcsum", entry.bootcsum());
    facts.put("blsEntry", entry.path());
    facts.put("os", os);
    if (refspec != null) {
      facts.put("origin", refspec);
    }
    return new StageOutput(facts);
  }

  /**
   * The ref the disk follows: the origin's; else, for a disk built from an image, the ref
   * {@code compose --ostree-repo} publishes such an image on, {@code ID/VERSION_CODENAME/ARCH}
   * of its os-release ({@code debian/bookworm/x86_64}; the extract step's {@code os} and
   * {@code osVersion} facts); else the one the commit was made on ({@code run}'s compose).
   *
   * @throws BadInputException when the ref found is no ref a remote can serve
   */
  static String originRef(
      DeployOptions.Origin origin,
      Map<String, String> commitFacts,
      Map<String, String> imageFacts,
      Architecture arch)
      throws BadInputException {
    String os = imageFacts.getOrDefault("os", "");
    String codename = imageFacts.getOrDefault("osVersion", "");
    String ref;
    if (origin.ref() != null) {
      ref = origin.ref();
    } else if (IMAGE_REF_PART.matcher(os).matches() && IMAGE_REF_PART.matcher(codename).matches()) {
      ref = os + "/" + codename + "/" + arch.ostreeName();
    } else {
      ref = commitFacts.get("ref");
    }
    if (ref == null) {
      throw new IllegalStateException(
          "the commit step reported no ref (facts: " + commitFacts + ")");
    }
    DeployOptions.Origin.checkRef("deploy: the origin's ref", ref);
    return ref;
  }

  /**
   * The deployment's origin: it names the remote's ref, not the checksum that ostree would
   * write, so that an upgrade of the booted system follows the ref.
   */
  static String originText(String refspec) {
    return "[origin]\nrefspec=" + refspec + "\n";
  }

  /**
   * The origin of a deployment that follows an image, as {@code debforge-update} writes it:
   * the local ref {@link DeployOptions.Origin#IMAGE_REF}, and the image with its manifest
   * digest (none when unknown) in the group {@code [debforge]}.
   */
  static String imageOriginText(String image, String digest) {
    return "[origin]\nrefspec=" + DeployOptions.Origin.IMAGE_REF + "\n\n[debforge]\nimage="
        + image + "\n" + (digest == null ? "" : "digest=" + digest + "\n");
  }

  static void writeFstab(Path deployRoot, DeployOptions options) throws IOException {
    Path etc = deployRoot.resolve("etc");
    if (!Files.isDirectory(etc, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("the deployment " + deployRoot + " has no etc directory");
    }
    Path fstab = etc.resolve("fstab");
    // The image may ship an fstab (or a link to one); this disk's replaces it.
    Files.deleteIfExists(fstab);
    Files.writeString(
        fstab,
        Fstab.text(
            options.rootUuid(), options.rootFsType(), options.bootUuid(), options.espUuid()),
        StandardCharsets.UTF_8);
  }

  static void validate(DeployOptions options) throws BadInputException {
    if (options.osName() != null && !OS_NAME.matcher(options.osName()).matches()) {
      throw new BadInputException(
          "deploy: osName '" + options.osName() + "' is not a valid stateroot name",
          "use letters, digits, '.', '_' and '-', such as debian");
    }
    if (!Fstab.ROOT_TYPES.contains(options.rootFsType())) {
      throw new BadInputException(
          "deploy: rootFsType '" + options.rootFsType() + "' is not supported",
          "use one of ext4, xfs, btrfs");
    }
    uuid("rootUuid", options.rootUuid());
    uuid("bootUuid", options.bootUuid());
    if (options.espUuid() == null || !FAT_ID.matcher(options.espUuid()).matches()) {
      throw new BadInputException(
          "deploy: espUuid '" + options.espUuid() + "' is not a FAT volume id",
          "write it as fstab does, eight upper-case hex digits: 1234-ABCD");
    }
    for (String karg : options.kargs()) {
      // A blank is only meaningful inside a quoted value, such as dyndbg="file x +p".
      if (karg.isBlank()
          || (karg.chars().anyMatch(Character::isWhitespace) && !karg.contains("\""))) {
        throw new BadInputException(
            "deploy: kernel argument '" + karg + "' is empty or contains blanks",
            "give one argument per list element");
      }
    }
    if (options.origin() != null) {
      options.origin().check();
    }
  }

  private static void uuid(String name, String value) throws BadInputException {
    try {
      UUID.fromString(value == null ? "" : value);
      if (value.length() != 36) {
        throw new IllegalArgumentException(value);
      }
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          "deploy: " + name + " '" + value + "' is not a UUID",
          "write it as 8-4-4-4-12 hex digits");
    }
  }
}
