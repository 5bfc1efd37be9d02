package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.oci.Registry;
import dev.debforge.stage.initramfs.Dracut;
import dev.debforge.stage.initramfs.InitramfsListing;
import dev.debforge.store.Sha256;
import dev.debforge.store.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Composes the shipped minimal recipe against Debian's mirror and checks the image with real
 * clients (skopeo, umoci, lsinitrd). The store is shared with the other integration tests and
 * kept between runs ({@code debforge.it.store}), so the compose is cold only once per machine.
 *
 * <p>The composes that must be served from the store (the same image again, by YAML, by script,
 * to a registry) run before the one test that makes new objects: those fill the store over its
 * size limit ({@code DEBFORGE_STORE_MAX_SIZE} in the test command), and the limit may then take
 * the first compose's image, which a compose without an epoch would make again as another image.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeIT {

  static final Path STORE =
      Path.of(System.getProperty("debforge.it.store", "/var/tmp/debforge-it-store"));
  static final String RECIPE = "../recipes/minimal-bookworm.yaml";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path work;
  private static Path archive;
  private static JsonNode first;
  private static Path rootfs;

  @BeforeAll
  static void compose() throws Exception {
    work = Files.createTempDirectory("debforge-compose-it");
    archive = work.resolve("minimal.oci.tar");
    CliRun run =
        CliRun.of(
            "compose", RECIPE, "--arch", "amd64",
            "-o", "oci-archive:" + archive, "--store", STORE.toString(),
            "--json");
    assertEquals(0, run.exitCode(), run.err());
    first = JSON.readTree(run.out());
    Path layout = work.resolve("layout");
    Tools.run("skopeo", "copy", "--quiet", "oci-archive:" + archive, "oci:" + layout + ":latest");
    Path bundle = work.resolve("bundle");
    Tools.run("umoci", "unpack", "--image", layout + ":latest", bundle.toString());
    rootfs = bundle.resolve("rootfs");
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (work != null) {
      dev.debforge.store.Trees.delete(work);
    }
  }

  @Test
  void jsonNamesTheArchiveWithItsSha256() throws Exception {
    assertEquals("succeeded", first.get("status").asText());
    JsonNode artifact = first.get("artifacts").get(0);
    assertEquals(archive.toString(), artifact.get("artifact").asText());
    assertEquals(Sha256.ofFile(archive), artifact.get("sha256").asText());
    assertEquals(6, first.get("steps").size());
  }

  @Test
  void skopeoSeesABootcImageForAmd64() throws Exception {
    JsonNode inspect = JSON.readTree(Tools.run("skopeo", "inspect", "oci-archive:" + archive));
    assertEquals("1", inspect.get("Labels").get("containers.bootc").asText());
    assertEquals("1", inspect.get("Labels").get("ostree.bootable").asText());
    assertEquals("amd64", inspect.get("Architecture").asText());
    assertEquals("linux", inspect.get("Os").asText());
    assertTrue(inspect.get("Labels").get("ostree.commit").asText().matches("[0-9a-f]{64}"));
  }

  @Test
  void imageHasTheKernelAndAnInitramfsThatCanBootOstree() throws Exception {
    Path modules = rootfs.resolve("usr/lib/modules");
    List<Path> kernels;
    try (Stream<Path> dirs = Files.list(modules)) {
      kernels = dirs.toList();
    }
    assertEquals(1, kernels.size(), kernels.toString());
    String kver = kernels.get(0).getFileName().toString();
    assertTrue(Files.size(kernels.get(0).resolve("vmlinuz")) > 1_000_000);
    String listing =
        Tools.run(
            "chroot", rootfs.toString(), "lsinitrd", "/usr/lib/modules/" + kver + "/initramfs.img");
    assertTrue(listing.contains("usr/lib/ostree/ostree-prepare-root"));
    assertTrue(listing.contains("initrd-root-fs.target.wants/ostree-prepare-root.service"));
    try (Stream<Path> boot = Files.list(rootfs.resolve("boot"))) {
      assertEquals(0, boot.count(), "/boot is OSTree's and must be empty in the image");
    }
  }

  @Test
  void imageHasTheRecipesUserFilesAndKernelArguments() throws Exception {
    assertTrue(Files.readString(rootfs.resolve("etc/passwd")).contains("debian:x:1000:1000::"
        + "/home/debian:/bin/bash"));
    String shadow = Files.readString(rootfs.resolve("etc/shadow"));
    assertTrue(shadow.contains("debian:$6$debforge$"), "the recipe's password hash is set");
    assertTrue(Files.readString(rootfs.resolve("etc/motd")).contains("debforge"));
    assertEquals("minimal-bookworm\n", Files.readString(rootfs.resolve("etc/hostname")));
    assertTrue(
        Files.readString(rootfs.resolve("usr/lib/bootc/kargs.d/10-recipe.toml"))
            .contains("\"console=ttyS0,115200\""));
  }

  @Test
  void secondComposeIsServedFromTheStore() throws Exception {
    Path again = work.resolve("again.oci.tar");
    CliRun run =
        CliRun.of(
            "compose", RECIPE, "--arch", "amd64",
            "-o", "oci-archive:" + again, "--store", STORE.toString(), "--json");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode result = JSON.readTree(run.out());
    // Served from the store: only publish runs. A step whose output the store's size limit
    // removed is not run either, as long as the steps after it are stored.
    assertEquals(1, result.get("stepsRun").asInt(), "only publish runs: " + result);
    assertTrue(result.get("cacheHits").asInt() >= 1, "oci-export at least is a hit: " + result);
    // The time before the first step is reported apart from the steps' own.
    assertTrue(result.has("planSeconds"), "planSeconds in " + result);
    double plan = result.get("planSeconds").asDouble();
    double steps = 0;
    for (JsonNode step : result.get("steps")) {
      steps += step.get("seconds").asDouble();
    }
    assertTrue(plan >= 0 && plan + steps <= result.get("seconds").asDouble() + 0.2,
        "planning and the steps within the build's time: " + result);
    assertEquals(
        first.get("artifacts").get(0).get("digest").asText(),
        result.get("artifacts").get(0).get("digest").asText(),
        "the same image");
  }

  /**
   * The recipe's packages are installed on the stored base, and packages no dracut module names
   * (htop, hello) keep the initramfs dracut wrote before: the archive taken again holds, file for
   * file, what dracut writes for the new tree (dracut runs here on a copy of the tree to show it).
   * Each compose has a motd of its own, so that its initramfs step runs now and is not served
   * from the store: the first keeps (or takes) the archive for a tree with htop, the second,
   * with hello as well, must take it.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void packagesAreInstalledOnTheStoredBaseAndKeepTheInitramfs() throws Exception {
    String run = UUID.randomUUID().toString();
    JsonNode htop = compose("htop", "[htop]", run);
    JsonNode hello = compose("hello", "[hello, htop]", run);
    for (JsonNode result : List.of(htop, hello)) {
      assertEquals(step(first, "debootstrap").get("key"), step(result, "debootstrap").get("key"),
          "the same base: " + result);
      assertTrue(step(result, "debootstrap").get("cacheHit").asBoolean(), result.toString());
      assertFalse(step(result, "initramfs").get("cacheHit").asBoolean(), result.toString());
    }
    assertTrue(step(htop, "packages").get("facts").get("added").asInt() >= 1, htop.toString());
    JsonNode initramfs = step(hello, "initramfs").get("facts");
    assertEquals("reused", initramfs.path("initramfs").asText(), hello.toString());

    Path configured = object(step(hello, "configure"));
    assertTrue(Files.isRegularFile(configured.resolve("usr/bin/htop")));
    assertTrue(Files.isRegularFile(configured.resolve("usr/bin/hello")));
    String kver = initramfs.get("kernel").asText();
    Path reused = object(step(hello, "initramfs"))
        .resolve(Dracut.initramfsPath(kver).substring(1));
    Path copy = work.resolve("dracut-root");
    Tools.run("cp", "-a", "--reflink=auto", configured + "/.", copy.toString());
    Tools.run(Dracut.build(copy, kver, List.of("systemd", "ostree"), null).argv()
        .toArray(String[]::new));
    Path fresh = copy.resolve(Dracut.initramfsPath(kver).substring(1));
    assertEquals(InitramfsListing.entries(fresh).orElseThrow(),
        InitramfsListing.entries(reused).orElseThrow(),
        "the archive taken again has dracut's files for the tree with hello and htop");
    Trees.delete(copy);
  }

  /** Composes the minimal recipe with {@code packages} and a motd of this run's. */
  private static JsonNode compose(String name, String packages, String run) throws Exception {
    String motd = "Welcome to minimal-bookworm, built by debforge.";
    String recipe = Files.readString(Path.of(RECIPE));
    assertTrue(recipe.contains(motd), recipe);
    Path file = Files.writeString(work.resolve(name + ".yaml"),
        recipe.replace(motd, motd + " " + name + " " + run)
            + "packages:\n  install: " + packages + "\n");
    CliRun compose =
        CliRun.of("compose", file.toString(), "--arch", "amd64",
            "-o", "oci-archive:" + work.resolve(name + ".oci.tar"), "--store", STORE.toString(),
            "--json");
    assertEquals(0, compose.exitCode(), compose.err());
    return JSON.readTree(compose.out());
  }

  private static JsonNode step(JsonNode result, String name) {
    for (JsonNode step : result.get("steps")) {
      if (step.get("name").asText().equals(name)) {
        return step;
      }
    }
    throw new AssertionError("no step " + name + " in " + result);
  }

  /** The stored output of a step, which a later test reads. */
  private static Path object(JsonNode step) {
    Path data = STORE.resolve("objects").resolve(step.get("key").asText()).resolve("data");
    assertTrue(Files.isDirectory(data), "the store keeps " + step);
    return data;
  }

  /**
   * A scripted recipe runs on the client and the workers plan the recipe it returned: one that
   * returns this recipe's content gives the same steps, all served from the store, and the
   * same image.
   */
  @Test
  void aScriptedRecipeComposesWhatItReturns() throws Exception {
    Path script = Files.writeString(work.resolve("minimal.js"), String.join("\n",
        "api.log(`minimal for ${api.arch}`);",
        "const hash = '$6$debforge$mJMIF2vkaP9KpdwGszD58tNBEUcrPM8tk7dFWDZkjODFytQCm5jNy/p2fJWLVERY"
            + "FHzEyDhIVoNRQElNmwYep1';",
        "({",
        "  name: 'minimal-bookworm',",
        "  description: 'Minimal Debian 12 (bookworm) bootc image with a serial console',",
        "  base: { suite: 'bookworm' },",
        "  architectures: ['amd64', 'arm64'],",
        "  kernel: { args: ['console=ttyAMA0,115200', 'console=ttyS0,115200'] },",
        "  users: [{ name: 'debian', password: hash }],",
        "  hostname: 'minimal-bookworm',",
        "  files: [{ path: '/etc/motd',",
        "            content: 'Welcome to minimal-bookworm, built by debforge.\\n' }],",
        "})", ""));
    Path again = work.resolve("scripted.oci.tar");
    CliRun run =
        CliRun.of("compose", script.toString(), "--arch", "amd64", "-o", "oci-archive:" + again,
            "--store", STORE.toString(), "--json");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.err().contains("minimal for amd64"), "the script's log line: " + run.err());
    JsonNode result = JSON.readTree(run.out());
    assertEquals(1, result.get("stepsRun").asInt(), "the YAML recipe's steps: " + result);
    assertEquals(
        first.get("artifacts").get(0).get("digest").asText(),
        result.get("artifacts").get(0).get("digest").asText(),
        "the same image");

    Path wrong = Files.writeString(work.resolve("wrong.py"),
        "recipe = {'name': 'w', 'base': {'suite': 'bookworm'}, 'architectures': ['arm64']}\n");
    CliRun refused = CliRun.of("compose", wrong.toString(), "--arch", "amd64", "-o",
        "oci-archive:" + work.resolve("wrong.oci.tar"), "--store", STORE.toString());
    assertEquals(2, refused.exitCode(), refused.err());
    assertTrue(refused.err().contains(wrong + ": the recipe is for [arm64], not amd64"),
        refused.err());
    assertTrue(refused.err().contains("Hint: build with --arch arm64"), refused.err());
  }

  @Test
  void pushedImageCanBePulledBackFromARegistry() throws Exception {
    try (Registry registry = Registry.start(work.resolve("registry"))) {
      String ref = registry.reference("debforge/minimal-bookworm:latest");
      CliRun run =
          CliRun.of("compose", RECIPE, "--arch", "amd64",
              "-o", ref, "--no-tls-verify", "--store", STORE.toString());
      assertEquals(0, run.exitCode(), run.err());
      JsonNode inspect =
          JSON.readTree(Tools.run("skopeo", "inspect", "--tls-verify=false", ref));
      assertEquals("1", inspect.get("Labels").get("containers.bootc").asText());
      Path pulled = work.resolve("pulled.tar");
      Tools.run("skopeo", "copy", "--quiet", "--src-tls-verify=false", ref,
          "oci-archive:" + pulled);
      assertTrue(Files.size(pulled) > 100_000_000);
    }
  }
}
