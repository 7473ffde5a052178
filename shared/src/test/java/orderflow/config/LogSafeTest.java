package orderflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogSafeTest {
  @Test
  void aNewlineCannotForgeASecondLogLine() {
    String forged = "abc\n2026-11-22 10:00:00 INFO admin logged in\r";

    String safe = LogSafe.escape(forged);

    assertEquals("abc\\n2026-11-22 10:00:00 INFO admin logged in\\r", safe);
  }

  @Test
  void terminalEscapesAndInvisibleCharactersAreShownNotSent() {
    String hostile = "sku\u001b[2J\u0000\u009b31m\u202etxt\u2028\u007f";

    String safe = LogSafe.escape(hostile);

    assertEquals("sku\\u001b[2J\\u0000\\u009b31m\\u202etxt\\u2028\\u007f", safe);
    assertTrue(safe.chars().allMatch(c -> c >= 0x20 && c < 0x7f), safe);
  }

  @Test
  void aHugeValueIsCutToABoundedLineThatSaysHowMuchWasLeftOut() {
    String huge = "x".repeat(200_000);

    String safe = LogSafe.escape(huge);

    assertEquals("x".repeat(200) + "...(199800 more chars)", safe);
    assertEquals("abc...(3 more chars)", LogSafe.escape("abcdef", 3));
  }

  @Test
  void escapesCountTowardsTheLimit() {
    String safe = LogSafe.escape("\u0000".repeat(100), 20);

    assertEquals("\\u0000".repeat(3) + "...(97 more chars)", safe);
  }

  @Test
  void lettersOfAnyScriptAndPairedSurrogatesAreKept() {
    assertEquals("Zoë 東京 🚚", LogSafe.escape("Zoë 東京 🚚"));
    assertEquals("\\ud83d", LogSafe.escape("\ud83d"));
  }

  @Test
  void escapingTwiceChangesNothing() {
    String once = LogSafe.escape("a\nb\u001b[2J\\c");

    assertEquals("a\\nb\\u001b[2J\\c", once);
    assertEquals(once, LogSafe.escape(once));
  }

  @Test
  void aSurrogatePairIsNeverCutInHalf() {
    String safe = LogSafe.escape("a🚚", 2);

    assertEquals("a...(2 more chars)", safe);
    assertFalse(Character.isHighSurrogate(safe.charAt(1)));
  }

  @Test
  void nullIsShownAsNull() {
    assertEquals("null", LogSafe.escape(null));
  }
}
