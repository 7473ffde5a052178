package orderflow.envelope;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New event ids: version 7 UUIDs (RFC 9562), so later ids sort later (indexes grow at their right
 * edge) and no thread waits on {@code SecureRandom}'s lock. Unique, not secret.
 */
public final class EventIds {
  private EventIds() {}

  public static UUID next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long randA = random.nextLong() & 0xFFFL;
    long mostSignificant = (System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | randA;
    long leastSignificant = random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
    return new UUID(mostSignificant, leastSignificant);
  }
}
