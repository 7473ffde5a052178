package orderflow.orderservice;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import orderflow.envelope.EventEnvelope;
import orderflow.store.OutboxEntry;

/**
 * The events this process committed to the order event store, folded, in the transaction that put
 * them in the outbox, until they come back from the broker on the service's own queue: such a
 * delivery, byte for byte what was published, is already applied and needs no transaction. Bounded:
 * the oldest is forgotten beyond the capacity, and a forgotten, restarted-away or redelivered event
 * takes the inbox path, which is idempotent by event id (docs/architecture.md, section 5.3).
 *
 * <p>Thread-safe.
 */
public final class OwnEvents {
  /** About 1.6 s of events at 10,000 orders/s, a few MB of bodies at most. */
  public static final int DEFAULT_CAPACITY = 16_384;

  private final Map<String, byte[]> bodies;

  public OwnEvents() {
    this(DEFAULT_CAPACITY);
  }

  OwnEvents(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.bodies =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > capacity;
          }
        };
  }

  /**
   * Remembers {@code entries}, which must be committed, with their effect on the event store and
   * read model, and not yet published (so none can come back before this returns).
   */
  public synchronized void committed(List<OutboxEntry> entries) {
    for (OutboxEntry entry : entries) {
      bodies.put(entry.message().properties().getMessageId(), entry.message().body());
    }
  }

  /**
   * True, once, when {@code event} arrived as {@code body} exactly as this process committed and
   * published it; it is forgotten either way, so a second delivery takes the inbox path.
   */
  synchronized boolean takeCommitted(EventEnvelope event, byte[] body) {
    byte[] committed = bodies.remove(event.eventId().toString());
    return committed != null && Arrays.equals(committed, body);
  }

  /** Events remembered, for tests. */
  synchronized int size() {
    return bodies.size();
  }
}
