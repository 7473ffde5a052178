package orderflow.orderservice;

import java.time.Instant;
import java.util.Objects;
import orderflow.envelope.EventEnvelope;

/**
 * One event of the order event store: the event as it was received, and when it was stored.
 * Immutable.
 *
 * @param sequence the store's append order (not the causal order)
 * @param traceId the OpenTelemetry trace it was stored in, or null (tracing off)
 */
public record StoredEvent(long sequence, EventEnvelope event, Instant storedAt, String traceId) {
  public StoredEvent {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(storedAt, "storedAt");
  }
}
