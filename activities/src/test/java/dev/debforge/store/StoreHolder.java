package dev.debforge.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Another process on a store, for the tests: {@code begin ROOT KEY} writes a pending object,
 * {@code use ROOT KEY} holds a finished one; either prints {@code ready} and then waits until it
 * is killed (or 5 minutes pass).
 */
public final class StoreHolder {
  private StoreHolder() {}

  public static void main(String[] args) throws Exception {
    Store store = new Store(Path.of(args[1]));
    AutoCloseable held;
    if (args[0].equals("begin")) {
      Store.Pending pending = store.begin(args[2]);
      Files.write(pending.data().resolve("partial"), new byte[64 * 1024]);
      held = pending;
    } else {
      held = store.use(args[2]).orElseThrow();
    }
    System.out.println("ready");
    System.out.flush();
    TimeUnit.MINUTES.sleep(5);
    held.close();
  }

  /** Starts the holder and returns once it holds what it was asked to. */
  static Process start(String mode, Path root, String key) throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                StoreHolder.class.getName(),
                mode,
                root.toString(),
                key)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    var reader = new java.io.BufferedReader(new java.io.InputStreamReader(
        process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
    var ready = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return reader.readLine();
      } catch (java.io.IOException e) {
        return null;
      }
    });
    String line;
    try {
      line = ready.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      process.destroyForcibly();
      throw new AssertionError("the holder process did not get ready within 60 s");
    }
    if (!"ready".equals(line)) {
      process.destroyForcibly();
      throw new AssertionError("the holder process failed: " + line);
    }
    return process;
  }
}
