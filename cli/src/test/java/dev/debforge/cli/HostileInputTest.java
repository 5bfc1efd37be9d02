package dev.debforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of broken and hostile inputs, each run through the whole command line in this JVM:
 * every one must exit with 2 within a few seconds, name the input and the problem, and print no
 * stack trace or exception class. Nothing here builds: each input is refused before a build
 * starts.
 */
class HostileInputTest {

  @TempDir static Path dir;

  private static final String HEAD = "name: x\nbase:\n  suite: bookworm\n";
  private static final String KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ4eXZ6d3h5enh5enh5enh5enh5enh5enh5enh5";

  /** One hostile input: the command line, and what stderr must say about it. */
  record Case(String name, List<String> args, List<String> said) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Path recipe;
  private static Path out;

  @BeforeAll
  static void makeFiles() throws Exception {
    recipe = Files.writeString(dir.resolve("ok.yaml"), HEAD);
    Files.writeString(dir.resolve("both.yaml"), HEAD + "architectures: [amd64, arm64]\n");
    out = Files.createDirectories(dir.resolve("out"));
    mkfifo(dir.resolve("fifo.yaml"));
    mkfifo(dir.resolve("fifo.toml"));
    Files.createSymbolicLink(dir.resolve("zero.toml"), Path.of("/dev/zero"));
    try (RandomAccessFile big = new RandomAccessFile(dir.resolve("big.yaml").toFile(), "rw")) {
      // 50 MB on one line, as a recipe that would take minutes to parse.
      big.write("name: ".getBytes());
      big.setLength(50L << 20);
    }
    Files.writeString(dir.resolve("a-file"), "x");
    Files.writeString(dir.resolve("disk.raw"), "");
    Path files = Files.createDirectories(dir.resolve("sources"));
    Files.createDirectories(files.resolve("adir"));
    mkfifo(files.resolve("afifo"));
    Files.createSymbolicLink(files.resolve("out"), Path.of("/etc/hostname"));
    for (String source : List.of("adir", "afifo", "out", "missing")) {
      Files.writeString(files.resolve(source + ".yaml"),
          HEAD + "files:\n  - path: /etc/motd\n    source: " + source + "\n");
    }
    Files.writeString(dir.resolve("long-line.yaml"),
        HEAD + "hostname: " + "a".repeat(dev.debforge.recipe.UserFiles.MAX_BYTES - 100) + "\n");
    Files.writeString(dir.resolve("long-value.yaml"),
        HEAD + "hostname: " + "a".repeat(60_000) + "\n");
    Files.writeString(dir.resolve("deep.yaml"), HEAD + "packages: " + "[".repeat(60_000) + "\n");
    Files.writeString(dir.resolve("alias.yaml"), "name: &n x\n" + HEAD.substring(8)
        + "hostname: *n\n");
    Files.writeString(dir.resolve("feb30.yaml"), HEAD + "  snapshot: '20250230T000000Z'\n");
    Files.writeString(dir.resolve("escape.yaml"), HEAD + "hostname: \"\\e]2;owned\\a\\e[2J\"\n");
    Files.writeString(dir.resolve("nul-karg.toml"),
        "[customizations.kernel]\nappend = \"quiet\\u0000x\"\n");
    Files.writeString(dir.resolve("quote-karg.toml"),
        "[customizations.kernel]\nappend = 'dyndbg=\"file'\n");
    Files.writeString(dir.resolve("key-options.toml"),
        "[[customizations.user]]\nname = \"a\"\nkey = 'command=\"sh\" " + KEY + "'\n");
    Files.writeString(dir.resolve("key-garbage.toml"),
        "[[customizations.user]]\nname = \"a\"\nkey = \"ssh-ed25519 AAAAgarbage\"\n");
  }

  private static void mkfifo(Path path) throws Exception {
    assertEquals(0, new ProcessBuilder("mkfifo", path.toString()).start().waitFor());
  }

  private static Case c(String name, List<String> said, String... args) {
    return new Case(name, Arrays.asList(args), said);
  }

  private static String p(String name) {
    return dir.resolve(name).toString();
  }

  static Stream<Case> corpus() {
    String o = out.toString();
    List<Case> cases = new ArrayList<>();
    // Files that are no recipe or config file: refused before a byte is read.
    cases.add(c("validate /dev/zero", List.of("/dev/zero", "not a regular file"),
        "validate", "/dev/zero"));
    cases.add(c("validate a FIFO", List.of(p("fifo.yaml"), "not a regular file"),
        "validate", p("fifo.yaml")));
    cases.add(c("compose a FIFO", List.of(p("fifo.yaml"), "not a regular file"),
        "compose", p("fifo.yaml")));
    cases.add(c("validate 50 MB", List.of(p("big.yaml"), "more than the 1 MiB"),
        "validate", p("big.yaml")));
    cases.add(c("validate a directory", List.of(dir.toString(), "is a directory"),
        "validate", dir.toString()));
    cases.add(c("--config /dev/zero", List.of(p("zero.toml"), "not a regular file"),
        "build", "oci:/nonexistent", "-o", o, "--config", p("zero.toml")));
    cases.add(c("--config a FIFO", List.of(p("fifo.toml"), "not a regular file"),
        "build", "oci:/nonexistent", "-o", o, "--config", p("fifo.toml")));
    // Options checked before a build starts.
    cases.add(c("-o /proc/x", List.of("/proc/x", "cannot create files in /proc"),
        "build", "oci:/nonexistent", "-o", "/proc/x"));
    cases.add(c("-o a file", List.of(p("a-file"), "is a file, not a directory"),
        "build", "oci:/nonexistent", "-o", p("a-file")));
    cases.add(c("run -o a file", List.of(p("a-file"), "is a file, not a directory"),
        "run", recipe.toString(), "-o", p("a-file")));
    cases.add(c("compose -o oci-archive:/proc/x", List.of("/proc/x", "cannot create files"),
        "compose", recipe.toString(), "-o", "oci-archive:/proc/x"));
    cases.add(c("--store a file", List.of(p("a-file"), "--store", "is a file"),
        "build", "oci:/nonexistent", "-o", o, "--store", p("a-file")));
    cases.add(c("--store-max-size 12Q", List.of("--store-max-size 12Q", "is not a size"),
        "build", "oci:/nonexistent", "-o", o, "--store-max-size", "12Q"));
    cases.add(c("build --arch riscv64", List.of("'riscv64'", "amd64 or arm64"),
        "build", "oci:/nonexistent", "-o", o, "--arch", "riscv64"));
    cases.add(c("compose --arch riscv64", List.of("'riscv64'", "amd64 or arm64"),
        "compose", recipe.toString(), "--arch", "riscv64"));
    cases.add(c("compose --arch amd64,amd64", List.of("--arch names amd64 twice"),
        "compose", recipe.toString(), "--arch", "amd64,amd64"));
    cases.add(c("compose --arch amd64,", List.of("'amd64,'", "has an empty entry"),
        "compose", recipe.toString(), "--arch", "amd64,"));
    cases.add(c("compose --arch for an architecture the recipe lacks",
        List.of("the recipe is for [amd64], not arm64"),
        "compose", recipe.toString(), "--arch", "amd64,arm64"));
    cases.add(c("multi-architecture compose to a docker archive",
        List.of("docker-archive:", "holds one image, not a multi-architecture one", "--arch"),
        "compose", p("both.yaml"), "-o", "docker-archive:" + p("x.tar")));
    cases.add(c("multi-architecture compose to containers-storage",
        List.of("containers-storage:", "holds one image"),
        "compose", p("both.yaml"), "-o", "containers-storage:x"));
    cases.add(c("multi-architecture compose to one OSTree repository",
        List.of("--ostree-repo publishes one architecture's commit", "one after the other"),
        "compose", p("both.yaml"), "--ostree-repo", p("repo")));
    cases.add(c("multi-architecture push to a digest",
        List.of("cannot be pushed to a digest"),
        "compose", p("both.yaml"), "-o", "docker://127.0.0.1:1/x@sha256:" + "0".repeat(64)));
    cases.add(c("verify --arch riscv64", List.of("'riscv64'", "amd64 or arm64"),
        "verify", p("disk.raw"), "--arch", "riscv64"));
    cases.add(c("empty --karg", List.of("--karg", "is empty"),
        "build", "oci:/nonexistent", "-o", o, "--karg", ""));
    cases.add(c("--karg with a newline", List.of("--karg 'a\\nb'", "control character"),
        "build", "oci:/nonexistent", "-o", o, "--karg", "a\nb"));
    cases.add(c("--karg with NUL", List.of("--karg 'a\\x00b'", "control character"),
        "build", "oci:/nonexistent", "-o", o, "--karg", "a\0b"));
    cases.add(c("--karg with a quote", List.of("'x=\"y'", "unbalanced double quote"),
        "build", "oci:/nonexistent", "-o", o, "--karg", "x=\"y"));
    cases.add(c("verify --format bogus", List.of("'bogus'", "not a disk format"),
        "verify", p("disk.raw"), "--format", "bogus"));
    cases.add(c("verify --cpus 0", List.of("--cpus 0", "1 to 64"),
        "verify", p("disk.raw"), "--cpus", "0"));
    cases.add(c("verify --memory 16", List.of("--memory 16 MiB", "256 or more"),
        "verify", p("disk.raw"), "--memory", "16"));
    cases.add(c("verify a directory", List.of(dir.toString(), "is a directory"),
        "verify", dir.toString()));
    cases.add(c("verify --drive missing", List.of("--drive " + p("v2.raw"), "no disk image there"),
        "verify", p("disk.raw"), "--drive", p("v2.raw")));
    cases.add(c("verify --drive a directory", List.of("--drive " + dir, "is a directory"),
        "verify", p("disk.raw"), "--drive", dir.toString()));
    cases.add(c("--origin ftp", List.of("--origin 'ftp://h/repo'", "not an http, https or file"),
        "build", "oci:/nonexistent", "-o", o, "--origin", "ftp://h/repo"));
    cases.add(c("--origin-ref with a remote", List.of("--origin-ref 'debforge:x'", "OSTree ref"),
        "run", recipe.toString(), "-o", o, "--origin", "file:///r", "--origin-ref", "debforge:x"));
    cases.add(c("--origin-ref alone", List.of("--origin-ref needs --origin"),
        "build", "oci:/nonexistent", "-o", o, "--origin-ref", "debian/x"));
    cases.add(c("--origin-gpg-key missing",
        List.of("--origin-gpg-key " + p("nokey.asc") + " does not exist"),
        "build", "oci:/nonexistent", "-o", o, "--origin", "file:///r", "--origin-gpg-key",
        p("nokey.asc")));
    cases.add(c("--origin-gpg-key alone", List.of("--origin-gpg-key needs --origin"),
        "build", "oci:/nonexistent", "-o", o, "--origin-gpg-key", p("nokey.asc")));
    cases.add(c("--ostree-gpg-sign not hex", List.of("--ostree-gpg-sign '--homedir=/x'",
        "is not a GPG key ID"),
        "compose", recipe.toString(), "--ostree-repo", p("repo"), "--ostree-gpg-sign=--homedir=/x"));
    cases.add(c("--ostree-gpg-sign alone", List.of("--ostree-gpg-sign needs --ostree-repo"),
        "compose", recipe.toString(), "--ostree-gpg-sign", "5FC54DA6"));
    // One validator for recipes and config files.
    cases.add(c("config karg with NUL", List.of(p("nul-karg.toml"), "control character"),
        "build", "oci:/nonexistent", "-o", o, "--config", p("nul-karg.toml")));
    cases.add(c("config karg with a quote", List.of(p("quote-karg.toml"), "unbalanced"),
        "build", "oci:/nonexistent", "-o", o, "--config", p("quote-karg.toml")));
    cases.add(c("config key with options",
        List.of(p("key-options.toml"), "not an OpenSSH public key"),
        "build", "oci:/nonexistent", "-o", o, "--config", p("key-options.toml")));
    cases.add(c("config key of garbage",
        List.of(p("key-garbage.toml"), "not an OpenSSH public key"),
        "build", "oci:/nonexistent", "-o", o, "--config", p("key-garbage.toml")));
    // files.source that validate must refuse with file:line:column.
    for (String[] s :
        new String[][] {
          {"adir", "is a directory"}, {"afifo", "is not a regular file"},
          {"out", "leads out of"}, {"missing", "does not exist"}}) {
      Path file = dir.resolve("sources").resolve(s[0] + ".yaml");
      cases.add(c("files.source " + s[0], List.of(file + ":6:5: files[0].source", s[1]),
          "validate", file.toString()));
    }
    // Smaller things.
    cases.add(c("a line of almost 1 MiB", List.of(p("long-line.yaml") + ":4:1:",
        "longer than the 65536 characters"), "validate", p("long-line.yaml")));
    cases.add(c("a long value", List.of(p("long-value.yaml") + ":4:", "(60000 characters)"),
        "validate", p("long-value.yaml")));
    cases.add(c("60000 nested lists", List.of(p("deep.yaml"), "nesting depth (1001) exceeds"),
        "validate", p("deep.yaml")));
    cases.add(c("YAML alias", List.of(p("alias.yaml") + ":4:", "aliases"),
        "validate", p("alias.yaml")));
    cases.add(c("30 February", List.of(p("feb30.yaml") + ":4:", "not a real date"),
        "validate", p("feb30.yaml")));
    cases.add(c("escape sequences", List.of(p("escape.yaml"), "\\x1b[2J"),
        "validate", p("escape.yaml")));
    cases.add(c("logs ..", List.of("'..'", "is not a build id"),
        "logs", "..", "--store", o));
    cases.add(c("logs a path", List.of("'../../etc'", "is not a build id"),
        "logs", "../../etc", "--store", o));
    cases.add(c("--temporal port out of range", List.of("127.0.0.1:99999", "outside 1..65535"),
        "status", "x", "--temporal", "127.0.0.1:99999"));
    cases.add(c("--temporal notaport", List.of("'notaport'", "is not HOST:PORT"),
        "list", "--temporal", "notaport"));
    cases.add(c("submit --temporal with a space", List.of("'a b:1'", "is not HOST:PORT"),
        "submit", recipe.toString(), "--temporal", "a b:1"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRefusedWithExitTwoAClearMessageAndNoTrace(Case input) {
    CliRun run =
        assertTimeoutPreemptively(
            Duration.ofSeconds(15), () -> CliRun.of(input.args().toArray(String[]::new)));
    assertEquals(2, run.exitCode(), run.err());
    for (String said : input.said()) {
      assertTrue(run.err().contains(said), "stderr should say " + said + ":\n" + run.err());
    }
    assertTrue(run.err().startsWith("error: "), run.err());
    assertTrue(run.err().contains("Hint: "), run.err());
    assertFalse(run.err().contains("Exception"), run.err());
    assertFalse(run.err().contains("\tat "), run.err());
    assertFalse(run.err().contains("at dev.debforge"), run.err());
    assertFalse(run.err().chars().anyMatch(ch -> ch == 0x1b || ch == 0 || ch == 0x07),
        "raw control characters reached the terminal:\n" + run.err());
  }
}
