package orderflow.envelope;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * One immutable domain event as it travels on the wire (docs/architecture.md section 3).
 *
 * @param eventId unique id; also the AMQP {@code message_id} and the inbox key
 * @param timestamp when the event was created, millisecond precision
 */
public record EventEnvelope(
    UUID eventId,
    EventType eventType,
    Instant timestamp,
    EventPayload payload,
    EventMetadata metadata) {

  public EventEnvelope {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(metadata, "metadata");
    if (!eventType.payloadType().isInstance(payload)) {
      throw new IllegalArgumentException(
          "payload " + payload.getClass().getSimpleName() + " does not match " + eventType);
    }
    timestamp = timestamp.truncatedTo(ChronoUnit.MILLIS);
  }

  /** The first event of a saga: its correlation id is the order's id, it has no cause. */
  public static EventEnvelope first(EventPayload payload, String source) {
    return new EventEnvelope(
        EventIds.next(),
        EventType.of(payload),
        Instant.now(),
        payload,
        new EventMetadata(source, EventType.of(payload).version(), payload.orderId(), null));
  }

  /** An event caused by {@code cause}: same correlation id, causation id = the cause's eventId. */
  public static EventEnvelope causedBy(EventEnvelope cause, EventPayload payload, String source) {
    return new EventEnvelope(
        EventIds.next(),
        EventType.of(payload),
        Instant.now(),
        payload,
        new EventMetadata(
            source,
            EventType.of(payload).version(),
            cause.metadata().correlationId(),
            cause.eventId().toString()));
  }

  public String routingKey() {
    return eventType.routingKey();
  }

  public <T extends EventPayload> T payloadAs(Class<T> type) {
    return type.cast(payload);
  }
}
