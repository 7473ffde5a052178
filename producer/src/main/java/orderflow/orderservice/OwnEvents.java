package orderflow.orderservice;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import orderflow.envelope.EventEnvelope;
import orderflow.store.OutboxEntry;

/**
 * The events this process committed to the order event store, folded, in the transaction that put
 * them in the outbox, until they come back on the service's own queue: such a delivery, byte for
 * byte what was published, is already applied. Bounded: a forgotten, restarted-away or redelivered
 * event takes the inbox path, idempotent by event id. Thread-safe.
 */
public final class OwnEvents {
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

  /** Remembers {@code entries}: committed with their effect, and not yet published. */
  public synchronized void committed(List<OutboxEntry> entries) {
    for (OutboxEntry entry : entries) {
      bodies.put(entry.message().properties().getMessageId(), entry.message().body());
    }
  }

  /**
   * True, once, when {@code event} arrived as {@code body} exactly as this process committed it; it
   * is forgotten either way, so a second delivery takes the inbox path.
   */
  synchronized boolean takeCommitted(EventEnvelope event, byte[] body) {
    byte[] committed = bodies.remove(event.eventId().toString());
    return committed != null && Arrays.equals(committed, body);
  }

  synchronized int size() {
    return bodies.size();
  }
}
