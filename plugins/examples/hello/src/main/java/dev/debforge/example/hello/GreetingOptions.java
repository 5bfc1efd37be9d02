package dev.debforge.example.hello;

/**
 * What a recipe gives the plugin under {@code plugins: {hello: …}}.
 *
 * @param message the greeting written into the image (default: "hello from a debforge plugin")
 */
public record GreetingOptions(String message) {
  public GreetingOptions {
    if (message == null) {
      message = "hello from a debforge plugin";
    }
    if (message.isBlank() || message.contains("\0")) {
      throw new IllegalArgumentException("message must be non-empty text");
    }
  }
}
