package orderflow.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {
  @Test
  void isAVersion7UuidCarryingItsCreationTime() {
    long before = System.currentTimeMillis();
    UUID id = EventIds.next();
    long after = System.currentTimeMillis();

    assertEquals(7, id.version());
    assertEquals(2, id.variant());
    long millis = id.getMostSignificantBits() >>> 16;
    assertTrue(before <= millis && millis <= after, id + " carries " + millis);
    assertEquals(id, UUID.fromString(id.toString()));
  }

  @Test
  void idsMadeInLaterMillisecondsSortLaterAsText() {
    UUID earlier = EventIds.next();
    long made = System.currentTimeMillis();
    while (System.currentTimeMillis() == made) {
      Thread.onSpinWait();
    }
    UUID later = EventIds.next();

    assertTrue(earlier.toString().compareTo(later.toString()) < 0, earlier + " < " + later);
  }

  @Test
  void aMillionIdsAreDistinct() {
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < 1_000_000; i++) {
      assertTrue(seen.add(EventIds.next()));
    }
  }
}
