package orderflow.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;

class StreamStartTest {
  @Test
  void namedPointsPassThroughAsTheBrokerSpellsThem() {
    assertEquals("first", StreamStart.parse("first").argument());
    assertEquals("last", StreamStart.parse("last").argument());
    assertEquals("next", StreamStart.parse(" next ").argument());
  }

  @Test
  void anOffsetIsALongAndAnInstantAnAmqpTimestamp() {
    assertEquals(42L, StreamStart.parse("42").argument());
    assertEquals(
        Date.from(Instant.parse("2026-12-02T10:00:00Z")),
        StreamStart.parse("2026-12-02T10:00:00Z").argument());
  }

  @Test
  void anythingElseIsRefusedNamingWhatIsAccepted() {
    for (String bad : new String[] {"", "-1", "yesterday", "99999999999999999999", "FIRST"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> StreamStart.parse(bad), bad);
      assertEquals(true, e.getMessage().contains("first, last, next"), e.getMessage());
    }
  }
}
