package dev.debforge.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class UserTextTest {

  @Test
  void quoteEscapesEveryControlCharacter() {
    assertEquals("'a\\x1b[2Jb\\nc\\td\\re\\x00f\\x7f'",
        UserText.quote("a\u001b[2Jb\nc\td\re\u0000f\u007f"));
    assertEquals("'\\x9b1m \\u2028'", UserText.quote("\u009b1m \u2028"));
  }

  @Test
  void printableKeepsTheLayoutOfAMessage() {
    assertEquals("error here\nHint:\tdo \\x1b]2;x\\x07 this",
        UserText.printable("error here\nHint:\tdo \u001b]2;x\u0007 this"));
  }

  @Test
  void aLongValueIsCutAndItsLengthSaid() {
    String quoted = UserText.quote("a".repeat(1_000_000));
    assertEquals("'" + "a".repeat(120) + "...' (1000000 characters)", quoted);
  }

  @Test
  void plainTextIsReturnedAsItIs() {
    String text = "bookworm, ä and 中";
    assertSame(text, UserText.printable(text));
    assertEquals("'" + text + "'", UserText.quote(text));
  }
}
