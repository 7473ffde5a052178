package orderflow.dlq;

import com.fasterxml.jackson.annotation.JsonView;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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
 * One dead letter and the failure its headers describe: ours ({@link DeadLetterHeaders}), else the
 * broker's {@code x-death} family. Known by its body ({@link LetterBody}); the {@link Summary} view
 * leaves out headers and body.
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

  public interface Whole {}

  public interface Summary {}

  public DeadLetter {
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

  private static Object plain(Object value) {
    if (value instanceof LongString || value instanceof Date) {
      return value instanceof Date date ? date.toInstant().toString() : value.toString();
    }
    if (value instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(DeadLetter::plain).toList();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((key, item) -> copy.put(String.valueOf(key), plain(item)));
      return copy;
    }
    return value;
  }
}
