package dev.debforge.verify;

import java.util.Objects;

/** A user the verifier logs in as on the serial console. */
public record Credentials(String user, String password) {
  public Credentials {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
  }

  @Override
  public String toString() {
    return "Credentials[user=" + user + ", password=(hidden)]";
  }
}
