package orderflow.dlq;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One message of a dead-letter queue, with the failure its headers describe. Fields the message
 * does not carry are null: a broker-dead-lettered message (delivery limit) has no exception.
 *
 * <p>A letter is known by its body, not by its AMQP properties, which the publisher chose freely:
 * {@code eventId} is the body's eventId, or a digest of the body when it has none ({@link
 * BodyIdentity}); {@code messageId} and {@code typeProperty} keep what the properties said, so a
 * disagreement shows.
 *
 * <p>Immutable, so thread-safe.
 *
 * @param eventId the body's eventId, or {@code sha256-<32 hex digits>} of an undecodable body
 * @param messageId the {@code message_id} property, or null
 * @param eventType the body's eventType, else the {@code type} property
 * @param orderId the order it belongs to, read from the body (see {@code BodyIdentity}), or null
 * @param typeProperty the {@code type} property, or null
 * @param reason our {@code x-failure-reason}, or the broker's {@code x-first-death-reason}
 * @param attempts failed deliveries (ours), or the broker's {@code x-delivery-count}
 * @param firstFailureAt when it first failed (for a broker dead letter: when it was dead-lettered)
 * @param lastFailureAt when it was dead-lettered
 * @param headers every header, as plain JSON-friendly values
 * @param content the body as printable text (whole, or cut in listings; see {@link BodyText})
 */
public record DeadLetter(
    String eventId,
    String messageId,
    String eventType,
    String orderId,
    String typeProperty,
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
    BodyText content) {
  public DeadLetter {
    // Not Map.copyOf: AMQP allows a header whose value is void (null).
    headers =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(Objects.requireNonNull(headers, "headers")));
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(content, "content");
  }

  /** The body as UTF-8 text, or Base64 when it is not valid UTF-8 (see {@link #content()}). */
  public String body() {
    return content.text();
  }

  /** True when the {@code message_id} property names another event than the body. */
  public boolean messageIdDisagrees() {
    return messageId != null && !messageId.equals(eventId);
  }

  /** True when the {@code type} property names another type than the body. */
  public boolean typePropertyDisagrees() {
    return typeProperty != null && !typeProperty.equals(eventType);
  }

  /** The fields in a stable order for JSON output, with or without headers and body. */
  public Map<String, Object> toMap(boolean withHeadersAndBody) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("eventId", eventId);
    map.put("messageId", messageId);
    map.put("eventType", eventType);
    map.put("orderId", orderId);
    map.put("typeProperty", typeProperty);
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
      map.put("body", content.text());
      map.put("bodyEncoding", content.encoding());
      map.put("bodyBytes", content.bytes());
      map.put("bodyTruncated", content.truncated());
    }
    return map;
  }
}
