package orderflow.envelope;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** One domain event as it travels; {@code eventId} is also the message id and inbox key. */
public record EventEnvelope(
    UUID eventId,
    @JsonSerialize(using = ToStringSerializer.class) EventType eventType,
    @JsonSerialize(using = ToStringSerializer.class) Instant timestamp,
    EventPayload payload,
    EventMetadata metadata) {

  public EventEnvelope {
    if (!eventType.payloadType().isInstance(payload)) {
      throw new IllegalArgumentException(
          "payload " + payload.getClass().getSimpleName() + " does not match " + eventType);
    }
    timestamp = timestamp.truncatedTo(ChronoUnit.MILLIS);
  }

  public static EventEnvelope first(EventPayload payload, String source) {
    return new EventEnvelope(
        EventIds.next(),
        EventType.of(payload),
        Instant.now(),
        payload,
        new EventMetadata(source, EventType.of(payload).version(), payload.orderId(), null));
  }

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
