package orderflow.orderservice;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import orderflow.envelope.EventEnvelope;
import orderflow.store.OutboxEntry;

/**
 * The events this process stored and folded in the transaction that put them in the outbox, until
 * they come back on the service's own queue: such a delivery, byte for byte what was published, is
 * already applied. Bounded: a forgotten or redelivered event takes the inbox path (by event id).
 */
public final class OwnEvents {
  public static final int DEFAULT_CAPACITY = 16_384;

  private final Map<String, byte[]> bodies;

  public OwnEvents() {
    this(DEFAULT_CAPACITY);
  }

  OwnEvents(int capacity) {
    this.bodies =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > capacity;
          }
        };
  }

  public synchronized void committed(List<OutboxEntry> entries) {
    for (OutboxEntry entry : entries) {
      bodies.put(entry.message().properties().getMessageId(), entry.message().body());
    }
  }

  /** True when {@code body} is what this process committed; forgotten either way. */
  synchronized boolean takeCommitted(EventEnvelope event, byte[] body) {
    byte[] committed = bodies.remove(event.eventId().toString());
    return committed != null && Arrays.equals(committed, body);
  }

  synchronized int size() {
    return bodies.size();
  }
}
