package orderflow.dlq;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One message of a dead-letter queue, with the failure its headers describe. Fields the message
 * does not carry are null: a broker-dead-lettered message (delivery limit) has no exception, and a
 * message without a {@code message_id} has no event id.
 *
 * @param eventId the {@code message_id} property
 * @param eventType the {@code type} property
 * @param reason our {@code x-failure-reason}, or the broker's {@code x-first-death-reason}
 * @param attempts failed deliveries (ours), or the broker's {@code x-delivery-count}
 * @param firstFailureAt when it first failed (for a broker dead letter: when it was dead-lettered)
 * @param lastFailureAt when it was dead-lettered
 * @param headers every header, as plain JSON-friendly values
 * @param body the body as UTF-8 text
 */
public record DeadLetter(
    String eventId,
    String eventType,
    String reason,
    String exceptionClass,
    String exceptionMessage,
    Integer attempts,
    Instant firstFailureAt,
    Instant lastFailureAt,
    String originalExchange,
    String originalRoutingKey,
    String consumer,
    Map<String, Object> headers,
    String body) {
  public DeadLetter {
    // Not Map.copyOf: AMQP allows a header whose value is void (null).
    headers =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(Objects.requireNonNull(headers, "headers")));
    Objects.requireNonNull(body, "body");
  }

  /** The fields in a stable order for JSON output, with or without headers and body. */
  public Map<String, Object> toMap(boolean withHeadersAndBody) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("eventId", eventId);
    map.put("eventType", eventType);
    map.put("reason", reason);
    map.put("exceptionClass", exceptionClass);
    map.put("exceptionMessage", exceptionMessage);
    map.put("attempts", attempts);
    map.put("firstFailureAt", firstFailureAt == null ? null : firstFailureAt.toString());
    map.put("lastFailureAt", lastFailureAt == null ? null : lastFailureAt.toString());
    map.put("originalExchange", originalExchange);
    map.put("originalRoutingKey", originalRoutingKey);
    map.put("consumer", consumer);
    if (withHeadersAndBody) {
      map.put("headers", new TreeMap<>(headers));
      map.put("body", body);
    }
    return map;
  }
}
