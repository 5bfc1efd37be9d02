package dev.debforge.oci;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Debian's docker-registry, started on loopback for a test and stopped with it; shared with the
 * CLI's tests through this module's test jar.
 */
public final class Registry implements AutoCloseable {

  private final Process process;
  private final int port;

  private Registry(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static Registry start(Path dir) throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.createDirectories(dir);
    Path config = dir.resolve("registry.yml");
    Files.writeString(
        config,
        "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data")
            + "\nhttp:\n  addr: 127.0.0.1:" + port + "\n");
    Process process =
        new ProcessBuilder("docker-registry", "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("registry.log").toFile())
            .start();
    Registry registry = new Registry(process, port);
    for (int i = 0; i < 100; i++) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return registry;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    registry.close();
    throw new IOException("docker-registry did not listen on port " + port + "; see "
        + dir.resolve("registry.log"));
  }

  /** A {@code docker://} reference to a repository in this registry. */
  public String reference(String repository) {
    return "docker://127.0.0.1:" + port + "/" + repository;
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
