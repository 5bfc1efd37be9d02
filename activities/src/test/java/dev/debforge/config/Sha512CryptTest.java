package dev.debforge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Hashes checked against what {@code openssl passwd -6 -salt SALT PASSWORD} prints. */
class Sha512CryptTest {

  @Test
  void matchesOpensslForTheSpecificationsExample() {
    assertEquals(
        "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoE"
            + "OfaS35inz1",
        Sha512Crypt.hash("Hello world!", "saltstring"));
  }

  @Test
  void matchesTheHashOfTheShippedRecipe() {
    assertEquals(
        "$6$debforge$mJMIF2vkaP9KpdwGszD58tNBEUcrPM8tk7dFWDZkjODFytQCm5jNy/p2fJWLVERYFHzEyDhIVoNRQ"
            + "ElNmwYep1",
        Sha512Crypt.hash("debian", "debforge"));
  }

  @Test
  void aLongPasswordAndALongSaltCutTo16() {
    assertEquals(
        "$6$0123456789abcdef$NH.NmUtX1m7XILhnsnTgjdr9ji1l.FMAd.pnXfG9ItJwEDVmjpaqyLnpzQqT6zNnNyjz"
            + "11S1RvlVRCdm.2Lst1",
        Sha512Crypt.hash(
            "a very long password that is longer than sixty-four bytes in total length ok",
            "0123456789abcdefXYZ"));
  }

  @Test
  void eachHashHasItsOwnRandomSalt() {
    String one = Sha512Crypt.hash("secret");
    String two = Sha512Crypt.hash("secret");
    assertNotEquals(one, two);
    assertTrue(one.matches("\\$6\\$[./0-9A-Za-z]{16}\\$[./0-9A-Za-z]{86}"), one);
  }
}
