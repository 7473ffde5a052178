package orderflow.dlq;

import com.fasterxml.jackson.annotation.JsonView;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import orderflow.deadletter.DeadLetterHeaders;

/**
 * One message of a dead-letter queue and the failure its headers describe: our failure headers
 * ({@link DeadLetterHeaders}) when present, else the broker's {@code x-death} family (a message
 * dead-lettered at the work queue's delivery limit). Fields the message does not carry are null.
 *
 * <p>A letter is known by its body ({@link LetterBody}); {@code messageId} and {@code typeProperty}
 * keep what the AMQP properties said, so a disagreement shows. Jackson writes the components in
 * order; the {@link Summary} view leaves out the headers and the body.
 *
 * <p>Immutable, so thread-safe.
 *
 * @param eventId the body's eventId, or {@code sha256-<32 hex digits>} of a body without one
 * @param eventType the body's eventType, else the {@code type} property
 * @param reason our {@code x-failure-reason}, or the broker's {@code x-first-death-reason}
 * @param attempts failed deliveries (ours), or the broker's {@code x-delivery-count}
 * @param headers every header as a JSON-friendly value, sorted by name
 * @param body the body as printable text, whole or cut (see {@link LetterBody})
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
    @JsonSerialize(using = ToStringSerializer.class) Instant firstFailureAt,
    @JsonSerialize(using = ToStringSerializer.class) Instant lastFailureAt,
    String originalExchange,
    String originalRoutingKey,
    String consumer,
    @JsonView(Whole.class) Map<String, Object> headers,
    @JsonView(Whole.class) String body,
    @JsonView(Whole.class) String bodyEncoding,
    @JsonView(Whole.class) int bodyBytes,
    @JsonView(Whole.class) boolean bodyTruncated) {

  /** Jackson view: every field. */
  public interface Whole {}

  /** Jackson view: without headers and body, as replay and purge report letters. */
  public interface Summary {}

  public DeadLetter {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(body, "body");
    // Not Map.copyOf: AMQP allows a header whose value is void (null).
    headers = Collections.unmodifiableSortedMap(new TreeMap<>(headers));
  }

  static DeadLetter read(AMQP.BasicProperties properties, byte[] body, int maxBodyChars) {
    Map<String, Object> headers = new LinkedHashMap<>();
    if (properties.getHeaders() != null) {
      properties.getHeaders().forEach((key, value) -> headers.put(key, plain(value)));
    }
    LetterBody content = LetterBody.of(body, maxBodyChars);
    boolean ours = headers.containsKey(DeadLetterHeaders.REASON);
    Map<?, ?> death = ours ? Map.of() : firstDeath(headers);
    Instant diedAt = instant(death.get("time"));
    String deathExchange = text(headers.get("x-first-death-exchange"));
    return new DeadLetter(
        content.eventId(),
        properties.getMessageId(),
        content.eventType() != null ? content.eventType() : properties.getType(),
        content.orderId(),
        properties.getType(),
        text(headers.get(ours ? DeadLetterHeaders.REASON : "x-first-death-reason")),
        text(headers.get(DeadLetterHeaders.EXCEPTION_CLASS)),
        text(headers.get(DeadLetterHeaders.EXCEPTION_MESSAGE)),
        integer(headers.get(ours ? DeadLetterHeaders.ATTEMPTS : "x-delivery-count")),
        ours ? instant(headers.get(DeadLetterHeaders.FIRST_FAILURE_AT)) : diedAt,
        ours ? instant(headers.get(DeadLetterHeaders.LAST_FAILURE_AT)) : diedAt,
        ours
            ? text(headers.get(DeadLetterHeaders.ORIGINAL_EXCHANGE))
            : deathExchange != null ? deathExchange : text(death.get("exchange")),
        ours
            ? text(headers.get(DeadLetterHeaders.ORIGINAL_ROUTING_KEY))
            : death.get("routing-keys") instanceof List<?> keys && !keys.isEmpty()
                ? text(keys.get(0))
                : null,
        text(headers.get(DeadLetterHeaders.CONSUMER)),
        headers,
        content.text(),
        content.encoding(),
        content.bytes(),
        content.truncated());
  }

  /**
   * The {@code x-death} entry naming {@code x-first-death-queue}, else the first; empty if none.
   */
  private static Map<?, ?> firstDeath(Map<String, Object> headers) {
    if (!(headers.get("x-death") instanceof List<?> deaths) || deaths.isEmpty()) {
      return Map.of();
    }
    Object firstQueue = headers.get("x-first-death-queue");
    Object first =
        deaths.stream()
            .filter(d -> d instanceof Map<?, ?> m && Objects.equals(m.get("queue"), firstQueue))
            .findFirst()
            .map(Object.class::cast)
            .orElse(deaths.get(0));
    return first instanceof Map<?, ?> map ? map : Map.of();
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private static Integer integer(Object value) {
    if (value instanceof Number n) {
      return n.intValue();
    }
    try {
      return value == null ? null : Integer.valueOf(value.toString().trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Instant instant(Object value) {
    try {
      return value == null ? null : Instant.parse(value.toString());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** A header value as a JSON-friendly value: long strings as text, timestamps as ISO-8601. */
  private static Object plain(Object value) {
    if (value instanceof LongString || value instanceof Date) {
      return value instanceof Date date ? date.toInstant().toString() : value.toString();
    }
    if (value instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(item -> copy.add(plain(item)));
      return copy;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((key, item) -> copy.put(String.valueOf(key), plain(item)));
      return copy;
    }
    return value;
  }
}
