package dev.debforge.stage;

import dev.debforge.store.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway GPG signing key, made with the real gpg in a home directory of its own: its
 * fingerprint, and its public key exported ASCII-armored. Closing it stops the agent gpg
 * started for it and removes the directory.
 */
public final class TestGpgKey implements AutoCloseable {

  private final Path dir;
  private final Path homedir;
  private final String fingerprint;
  private final Path publicKey;

  private TestGpgKey(Path dir, Path homedir, String fingerprint, Path publicKey) {
    this.dir = dir;
    this.homedir = homedir;
    this.fingerprint = fingerprint;
    this.publicKey = publicKey;
  }

  /** Generates an ed25519 signing key without a passphrase. */
  public static TestGpgKey generate(String name) throws Exception {
    // Short, since gpg-agent's socket path in the home directory must fit in 108 bytes.
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "gpg-");
    Path homedir = Files.createDirectory(dir.resolve("home"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    gpg(homedir, "--batch", "--passphrase", "", "--quick-gen-key",
        name + " <test@example.org>", "ed25519", "sign", "never");
    String fingerprint = gpg(homedir, "--batch", "--list-keys", "--with-colons").lines()
        .filter(line -> line.startsWith("fpr:"))
        .map(line -> line.split(":")[9])
        .findFirst()
        .orElseThrow(() -> new AssertionError("gpg listed no fingerprint"));
    Path publicKey = dir.resolve("public.asc");
    gpg(homedir, "--batch", "--export", "--armor", "--output", publicKey.toString(), fingerprint);
    return new TestGpgKey(dir, homedir, fingerprint, publicKey);
  }

  public Path homedir() {
    return homedir;
  }

  public String fingerprint() {
    return fingerprint;
  }

  /** The public key, ASCII-armored, as {@code gpg --export --armor} writes it. */
  public Path publicKey() {
    return publicKey;
  }

  @Override
  public void close() throws IOException {
    exec(List.of("gpgconf", "--homedir", homedir.toString(), "--kill", "all"));
    Trees.delete(dir);
  }

  private static String gpg(Path homedir, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("gpg", "--homedir", homedir.toString()));
    argv.addAll(List.of(args));
    return exec(argv);
  }

  private static String exec(List<String> argv) throws IOException {
    Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    try {
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + argv);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted: " + argv, e);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new AssertionError(argv + " exited with " + process.exitValue() + "\n" + text);
    }
    return text;
  }
}
