package dev.debforge.stage.deploy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.debforge.plugin.BadInputException;
import dev.debforge.recipe.UserText;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Options of the {@code deploy} stage. The UUIDs are chosen by the plan before any file system
 * exists, because the kernel command line and {@code /etc/fstab} name them.
 *
 * @param osName the stateroot, e.g. {@code debian}, or null for the image's os-release ID (the
 *     {@code os} fact of the {@code tree} input)
 * @param kargs kernel arguments from the build's configuration; the stage adds the image's
 *     kargs.d (the {@code kargs} fact of the {@code tree} input), {@code root=UUID=… rw} and,
 *     when nothing names a console, the serial console ({@link KernelArgs})
 * @param rootUuid the root file system's UUID
 * @param bootUuid the /boot file system's UUID
 * @param espUuid the ESP's FAT volume id as fstab writes it, {@code XXXX-XXXX}
 * @param rootFsType the root file system: {@code ext4}, {@code xfs} or {@code btrfs}
 * @param users users created in the deployment (from {@code --config}); left out of the options'
 *     JSON when empty, so that plans without users keep their keys
 * @param origin the OSTree repository the disk's system updates from, or null for none (the
 *     deployment's origin then names the commit's checksum); left out of the options' JSON when
 *     null, so that plans without it keep their keys
 */
public record DeployOptions(
    String osName,
    List<String> kargs,
    String rootUuid,
    String bootUuid,
    String espUuid,
    String rootFsType,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<User> users,
    @JsonInclude(JsonInclude.Include.NON_NULL) Origin origin) {

  public DeployOptions {
    kargs = kargs == null ? List.of() : List.copyOf(kargs);
    users = users == null ? List.of() : List.copyOf(users);
  }

  public DeployOptions(
      String osName,
      List<String> kargs,
      String rootUuid,
      String bootUuid,
      String espUuid,
      String rootFsType) {
    this(osName, kargs, rootUuid, bootUuid, espUuid, rootFsType, List.of(), null);
  }

  /**
   * The OSTree repository a disk's system updates from: the sysroot's repository gets it as the
   * remote {@value #REMOTE}, and the deployment's origin names {@code debforge:REF}, so that
   * {@code ostree admin upgrade} (and debforge's updater, which relies on both names) pulls from
   * it.
   *
   * @param url the repository: {@code http://}, {@code https://} or {@code file://}
   * @param ref the branch to follow, or null for the ref {@code compose --ostree-repo}
   *     publishes the image on, {@code debian/SUITE/ARCH} (see {@code DeployStage.originRef})
   * @param gpgKey the public GPG key the repository is signed with, the bytes of the key file
   *     (ASCII-armored or binary) in base64, or null for a remote without GPG verification; left
   *     out of the options' JSON when null, so that plans without it keep their keys
   */
  public record Origin(
      String url,
      @JsonInclude(JsonInclude.Include.NON_NULL) String ref,
      @JsonInclude(JsonInclude.Include.NON_NULL) String gpgKey) {

    public Origin(String url, String ref) {
      this(url, ref, null);
    }

    /** The remote's name, which the disk's updater relies on. */
    public static final String REMOTE = "debforge";

    /** OSTree's own rule for a ref: slash-separated parts of letters, digits, '-', '.', '_'. */
    private static final Pattern REF =
        Pattern.compile("(?:[A-Za-z0-9_][-._A-Za-z0-9_]*/)*[A-Za-z0-9_][-._A-Za-z0-9_]*");

    private static final List<String> SCHEMES = List.of("http", "https", "file");

    /**
     * How an image origin starts: skopeo's transports that name a whole image. A disk with such
     * an origin follows that image ({@code debforge-update upgrade} compares its digest).
     */
    public static final List<String> IMAGE_TRANSPORTS =
        List.of("docker://", "oci:", "oci-archive:", "docker-archive:", "containers-storage:");

    /** The local ref a deployment of an image follows, as the updater names it. */
    public static final String IMAGE_REF = "debforge/image";

    /** An image reference as the origin file can hold it: no blanks, no backslash. */
    private static final Pattern IMAGE = Pattern.compile("[^\\s\\\\]+");

    /** Whether this origin is a container image rather than an OSTree repository. */
    @JsonIgnore
    public boolean isImage() {
      return isImage(url);
    }

    /** Whether {@code url} names a container image in skopeo's syntax. */
    public static boolean isImage(String url) {
      return url != null && IMAGE_TRANSPORTS.stream().anyMatch(url::startsWith);
    }

    /** The refspec the deployment's origin names for this ref. */
    public static String refspec(String ref) {
      return REMOTE + ":" + ref;
    }

    /**
     * Checks the URL and, when given, the ref.
     *
     * @throws BadInputException naming the value and what is wrong with it
     */
    public void check() throws BadInputException {
      checkUrl("deploy: origin.url", url);
      if (isImage() && (ref != null || gpgKey != null)) {
        throw new BadInputException(
            "deploy: the origin " + UserText.quote(url) + " is an image; "
                + (ref != null ? "origin.ref" : "origin.gpgKey") + " is for OSTree repositories",
            "an image origin follows the image's tag: drop "
                + (ref != null ? "the ref" : "the key"));
      }
      if (ref != null) {
        checkRef("deploy: origin.ref", ref);
      }
      if (gpgKey != null) {
        gpgKeyBytes();
      }
    }

    /**
     * The key file's bytes, to import into the remote's keyring.
     *
     * @throws BadInputException when they are no base64 or no public key
     */
    public byte[] gpgKeyBytes() throws BadInputException {
      byte[] key;
      try {
        key = Base64.getDecoder().decode(gpgKey);
      } catch (IllegalArgumentException e) {
        throw new BadInputException(
            "deploy: origin.gpgKey is not base64: " + e.getMessage(),
            "give the public key file's bytes in base64; debforge's CLI reads --origin-gpg-key"
                + " FILE so");
      }
      checkGpgKey("deploy: origin.gpgKey", key);
      return key;
    }

    /**
     * Checks that a key file holds an OpenPGP public key: ASCII-armored ({@code -----BEGIN PGP
     * PUBLIC KEY BLOCK-----}) or binary, starting with a public-key packet, as {@code gpg
     * --export} writes them.
     *
     * @param what how the message names the file, such as {@code --origin-gpg-key FILE}
     * @throws BadInputException naming it and what it holds instead
     */
    public static void checkGpgKey(String what, byte[] key) throws BadInputException {
      String hint =
          "export the public key of the key the repository is signed with: gpg --export --armor"
              + " KEYID > key.asc";
      if (key.length == 0) {
        throw new BadInputException(what + " is empty", hint);
      }
      String text = new String(key, 0, Math.min(key.length, 200), StandardCharsets.US_ASCII)
          .stripLeading();
      if (text.startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
        return;
      }
      if (text.startsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----")) {
        throw new BadInputException(
            what + " holds a secret key; the disk needs only the public one, and must not have"
                + " the secret one",
            hint);
      }
      int tag = packetTag(key[0]);
      if (tag == PUBLIC_KEY_PACKET) {
        return;
      }
      throw new BadInputException(
          what + (tag == SECRET_KEY_PACKET
              ? " holds a secret key; the disk needs only the public one, and must not have the"
                  + " secret one"
              : " is not an OpenPGP public key (no -----BEGIN PGP PUBLIC KEY BLOCK----- line,"
                  + " nor a public-key packet)"),
          hint);
    }

    private static final int SECRET_KEY_PACKET = 5;
    private static final int PUBLIC_KEY_PACKET = 6;

    /** The tag of an OpenPGP packet from its first byte (RFC 4880 4.2), or -1 for none. */
    private static int packetTag(byte first) {
      int b = first & 0xff;
      if ((b & 0x80) == 0) {
        return -1;
      }
      return (b & 0x40) != 0 ? b & 0x3f : (b >> 2) & 0x0f;
    }

    /**
     * Checks a repository URL: http or https with a host, or file with an absolute path.
     *
     * @param what how the message names the value, such as {@code --origin}
     * @throws BadInputException naming the URL and what is wrong with it
     */
    public static void checkUrl(String what, String url) throws BadInputException {
      if (isImage(url)) {
        String transport = IMAGE_TRANSPORTS.stream().filter(url::startsWith).findFirst().get();
        if (url.length() == transport.length() || !IMAGE.matcher(url).matches()) {
          throw new BadInputException(
              what + " " + UserText.quote(url) + " names no image, or has blanks in it",
              "give the image as skopeo names it: docker://HOST/NAME:TAG");
        }
        return;
      }
      String hint =
          "give the repository's URL: http://HOST/PATH, https://HOST/PATH or file:///PATH, or an"
              + " image: docker://HOST/NAME:TAG";
      URI uri;
      try {
        uri = new URI(url == null ? "" : url);
      } catch (URISyntaxException e) {
        throw new BadInputException(
            what + " " + UserText.quote(url) + " is not a URL: " + e.getReason(), hint);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!SCHEMES.contains(scheme)) {
        throw new BadInputException(
            what + " " + UserText.quote(url) + " is not an http, https or file URL", hint);
      }
      // ostree reads a file URL's path only: file:///srv/repo, not file://host/srv/repo.
      boolean named =
          scheme.equals("file")
              ? uri.getRawSchemeSpecificPart().startsWith("///") && uri.getPath().length() > 1
              : uri.getHost() != null;
      if (!named) {
        throw new BadInputException(
            what + " " + UserText.quote(url) + " names no "
                + (scheme.equals("file") ? "absolute path (file:///PATH)" : "host"),
            hint);
      }
    }

    /**
     * Checks a ref as OSTree does, which also keeps out blanks and the ':' of a refspec.
     *
     * @param what how the message names the value, such as {@code --origin-ref}
     * @throws BadInputException naming the ref
     */
    public static void checkRef(String what, String ref) throws BadInputException {
      if (ref == null || !REF.matcher(ref).matches()) {
        throw new BadInputException(
            what + " " + UserText.quote(ref) + " is not an OSTree ref"
                + (ref != null && ref.contains(":") ? " (a ref has no REMOTE: part)" : ""),
            "give a branch like debian/bookworm/x86_64: parts of letters, digits, '-', '.' and"
                + " '_' separated by '/', without blanks or ':'");
      }
    }
  }

  /**
   * A user of the deployment.
   *
   * @param name the login name
   * @param passwordHash a crypt(3) hash, or null for none (the account is then locked for
   *     password logins)
   * @param sshKeys lines of {@code ~/.ssh/authorized_keys}
   * @param groups supplementary groups the image has
   */
  public record User(String name, String passwordHash, List<String> sshKeys, List<String> groups) {
    public User {
      sshKeys = sshKeys == null ? List.of() : List.copyOf(sshKeys);
      groups = groups == null ? List.of() : List.copyOf(groups);
    }
  }
}
