package orderflow.envelope;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New event ids: version 7 UUIDs (RFC 9562), the creation time in milliseconds followed by 74
 * random bits. Ids made later sort later, so the inbox's and outbox's indexes grow at their right
 * edge instead of taking each insert at a random page; and no thread queues on {@code
 * SecureRandom}'s lock, which {@link UUID#randomUUID} takes for every id. An event id needs to be
 * unique, not secret: two ids collide only if made in the same millisecond with the same 74 bits.
 *
 * <p>Thread-safe.
 */
public final class EventIds {
  private EventIds() {}

  public static UUID next() {
    return at(System.currentTimeMillis(), ThreadLocalRandom.current());
  }

  static UUID at(long epochMillis, ThreadLocalRandom random) {
    long randA = random.nextLong() & 0xFFFL;
    long mostSignificant = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | randA;
    long leastSignificant = random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
    return new UUID(mostSignificant, leastSignificant);
  }
}
