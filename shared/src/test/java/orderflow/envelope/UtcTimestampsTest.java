package orderflow.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UtcTimestampsTest {
  @Test
  void readsEveryTimestampTheCodecWritesAsInstantParseDoes() {
    SplittableRandom random = new SplittableRandom(20261129);
    long from = Instant.parse("1970-01-01T00:00:00Z").toEpochMilli();
    long to = Instant.parse("2400-12-31T23:59:59.999Z").toEpochMilli();
    for (int i = 0; i < 200_000; i++) {
      Instant written = Instant.ofEpochMilli(random.nextLong(from, to));
      if (i % 10 == 0) {
        written = written.truncatedTo(ChronoUnit.SECONDS);
      }
      String text = written.toString();
      assertNotNull(UtcTimestamps.parseCanonical(text), text);
      assertEquals(Instant.parse(text), UtcTimestamps.parse(text), text);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2024-02-29T23:59:59.999Z",
        "2023-12-31T00:00:00Z",
        "0000-01-01T00:00:00.000Z",
        "2026-11-29T22:33:41.1Z",
        "2026-11-29T22:33:41.123456Z",
        "2026-11-29T22:33:41+01:00"
      })
  void agreesWithInstantParseOnValidShapes(String text) {
    assertEquals(Instant.parse(text), UtcTimestamps.parse(text));
  }

  /** Midnight as 24:00 and a leap second: Instant.parse takes them; so must we. */
  @ParameterizedTest
  @ValueSource(strings = {"2026-11-29T24:00:00Z", "2026-12-31T23:59:60Z"})
  void leavesTheOddValidOnesToInstantParse(String text) {
    assertNull(UtcTimestamps.parseCanonical(text), text);
    assertEquals(Instant.parse(text), UtcTimestamps.parse(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2023-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z",
        "2026-04-31T00:00:00.000Z",
        "2026-11-29T23:60:00Z",
        "2026-11-29 22:33:41Z",
        "2026-11-29T22:33:41.12aZ",
        "2026-1a-29T22:33:41Z",
        "-026-11-29T22:33:41Z",
        "2026-11-29T22:33:41",
        ""
      })
  void refusesWhatInstantParseRefuses(String text) {
    assertNull(UtcTimestamps.parseCanonical(text), text);
    assertThrows(DateTimeParseException.class, () -> Instant.parse(text));
    assertThrows(DateTimeParseException.class, () -> UtcTimestamps.parse(text));
  }
}
